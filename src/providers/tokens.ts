import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from './types.js';

/** Text like `<|endoftext|>` in a prompt is counted as plain text, not rejected. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Short strings are cheap to count; memoising them would only churn the memo. */
const MEMO_MIN_LENGTH = 256;
const MEMO_MAX_ENTRIES = 512;
const memo = new Map<string, number>();

/** Tokens in `text` under o200k_base (the encoding of OpenAI's current models). */
export function countTokens(text: string): number {
  if (text.length < MEMO_MIN_LENGTH) return countO200k(text, PLAIN_TEXT);
  const known = memo.get(text);
  if (known !== undefined) return known;
  const count = countO200k(text, PLAIN_TEXT);
  // Bounded: drop the oldest entry (Map keeps insertion order).
  if (memo.size >= MEMO_MAX_ENTRIES) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  memo.set(text, count);
  return count;
}

/** Per OpenAI's chat accounting: 3 tokens of framing per message, 3 more to prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** Prompt tokens of a chat request (role names count as text too). */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
  }
  return total;
}
