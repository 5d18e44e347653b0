import type { ChatMessage } from './types.js';

type CountO200k = typeof import('gpt-tokenizer/encoding/o200k_base').countTokens;

/**
 * The o200k_base tables take tens of megabytes and a noticeable start-up time, so they are loaded only by
 * the code paths that count tokens (cost estimate, prefix size, simulator), once, on first need.
 */
let countO200k: CountO200k | null = null;
let loading: Promise<void> | null = null;

/** Loads the tokenizer; call (and await) before countTokens/countMessageTokens. Cheap once loaded. */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (encoding) => {
      countO200k = encoding.countTokens;
    },
    (error: unknown) => {
      loading = null; // a failed load may be retried
      throw error;
    },
  );
  return loading;
}

function tokenizer(): CountO200k {
  if (countO200k === null) throw new Error('internal: the tokenizer is used before loadTokenizer() resolved');
  return countO200k;
}

/** Text like `<|endoftext|>` in a prompt is counted as plain text, not rejected. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Above this many characters a text is not tokenised whole: byte-pair encoding of one long unbroken word
 * takes time quadratic in its length (a 1 MB token takes minutes), so its count is estimated from samples.
 */
const EXACT_LIMIT_CHARS = 20_000;
const SAMPLES = 16;
const SAMPLE_CHARS = 1000;

/**
 * Tokens of a long text, from the tokens per character of evenly spread samples. Samples cut words at
 * their ends, which only adds tokens, so the estimate errs high (a few percent on prose).
 */
function estimateLongText(count: CountO200k, text: string): number {
  const step = (text.length - SAMPLE_CHARS) / (SAMPLES - 1);
  let tokens = 0;
  let chars = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const start = Math.floor(i * step);
    const sample = text.slice(start, start + SAMPLE_CHARS);
    tokens += count(sample, PLAIN_TEXT);
    chars += sample.length;
  }
  return Math.ceil((text.length * tokens) / chars);
}

/** Short strings are cheap to count; memoising them would only churn the memo. */
const MEMO_MIN_LENGTH = 256;
const MEMO_MAX_ENTRIES = 512;
const memo = new Map<string, number>();

/**
 * Tokens in `text` under o200k_base (the encoding of OpenAI's current models); estimated above 20,000
 * characters (see estimateLongText). Needs loadTokenizer() first.
 */
export function countTokens(text: string): number {
  const count = tokenizer();
  if (text.length < MEMO_MIN_LENGTH) return count(text, PLAIN_TEXT);
  if (text.length > EXACT_LIMIT_CHARS) return estimateLongText(count, text);
  const known = memo.get(text);
  if (known !== undefined) return known;
  const counted = count(text, PLAIN_TEXT);
  // Bounded: drop the oldest entry (Map keeps insertion order).
  if (memo.size >= MEMO_MAX_ENTRIES) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  memo.set(text, counted);
  return counted;
}

/** Per OpenAI's chat accounting: 3 tokens of framing per message, 3 more to prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** Prompt tokens of a chat request (role names count as text too). Needs loadTokenizer() first. */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
  }
  return total;
}
