import { hash32, key, unitHash } from '../hash.js';

/** A distillation teacher's request ends "Return a JSON array of N new inputs." (any words between N and inputs). */
const GENERATION_PHRASE = 'Return a JSON array of ';
const GENERATION_REQUEST = /Return a JSON array of (\d+)\b[^\n]*?\binputs\b/;
/** More than any sensible batch; bounds the work one request can cause. */
const MAX_GENERATED = 500;
/** Share of generated inputs that repeat an earlier one exactly, and nearly. */
const EXACT_DUPLICATE_RATE = 0.05;
const NEAR_DUPLICATE_RATE = 0.05;
/** Earlier inputs kept for duplicates to draw from. */
const HISTORY = 1000;

const PREFIXES = ['', 'Hi, ', 'Hello, ', 'Quick question: ', 'Hey there, ', 'Sorry to bother you, ', 'Can you help? '];
const SUFFIXES = ['', ' Thanks!', ' Thank you.', ' Please help.', ' Any idea?', ' Cheers.'];

/** The N of a generation request, or null when the message asks for something else. */
export function generationCount(message: string): number | null {
  // Every chat request passes here: a plain substring test keeps the common case cheap.
  if (!message.includes(GENERATION_PHRASE)) return null;
  const match = GENERATION_REQUEST.exec(message);
  if (!match) return null;
  return Math.min(Number(match[1]), MAX_GENERATED);
}

/** "I ..." stays capitalised after a prefix; other sentences continue in lower case. */
function continueAfterPrefix(text: string): string {
  if (/^I\b/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function withoutFinalPunctuation(text: string): string {
  return text.replace(/[.!?]+$/, '');
}

/** A light rewording that keeps every word in its place, so the meaning (and gold answer) holds. */
function vary(source: string, u: (part: string) => number): string {
  const trimmed = source.trim();
  const prefix = PREFIXES[Math.floor(u('prefix') * PREFIXES.length)] ?? '';
  const suffix = SUFFIXES[Math.floor(u('suffix') * SUFFIXES.length)] ?? '';
  // After a sentence of its own ("Can you help? ") the input starts a sentence; after "Hi, " it continues one.
  const body = prefix === '' || /[.?!] $/.test(prefix) ? trimmed : continueAfterPrefix(trimmed);
  const edit = u('edit');
  let text: string;
  if (edit < 0.2) text = `${prefix}${body.toLowerCase()}`;
  else if (edit < 0.4) text = `${prefix}${withoutFinalPunctuation(body)}`;
  else text = `${prefix}${body}`;
  if (suffix !== '') text = `${/[.!?]$/.test(text) ? text : `${text}.`}${suffix}`;
  return text === trimmed ? `${trimmed} Thanks!` : text;
}

/** A near-copy of an earlier input: different enough to be new text, close enough to be a duplicate. */
function nearCopy(text: string, pick: number): string {
  switch (pick % 3) {
    case 0:
      return text.toLowerCase() === text ? `${text}!` : text.toLowerCase();
    case 1:
      return /[.!?]$/.test(text) ? withoutFinalPunctuation(text) : `${text}?`;
    default:
      return `${text} please`;
  }
}

export interface GeneratedInput {
  text: string;
  /** Index of the dataset case it was made from: its gold answer is this input's answer. */
  source: number;
}

/**
 * Writes new inputs from the dataset's own, like a teacher model asked for more: light rewordings of
 * cases taken in a seeded order, with a few exact and near repeats so a dedupe step has work to do.
 * Deterministic for a given sequence of requests.
 */
export class InputGenerator {
  private requests = 0;
  private cursor = 0;
  /** Case indices in a seeded order, so successive inputs come from different cases (labels); made on first use. */
  private order: number[] | null = null;
  private readonly history: GeneratedInput[] = [];

  constructor(
    /** The case indices new inputs are reworded from. */
    private readonly sources: readonly number[],
    private readonly seed: number,
  ) {}

  private sourceOrder(inputOf: (index: number) => string): number[] {
    this.order ??= this.sources
      .map((index) => ({ index, rank: unitHash(this.seed, key('generation-order', inputOf(index), index)) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map((entry) => entry.index);
    return this.order;
  }

  generate(count: number, request: string, inputOf: (index: number) => string): GeneratedInput[] {
    const base = hash32(this.seed, key('generate', request, this.requests++));
    const out: GeneratedInput[] = [];
    const order = this.sourceOrder(inputOf);
    if (order.length === 0) return out;
    for (let slot = 0; slot < count; slot++) {
      const u = (part: string) => unitHash(base, key(part, slot));
      const repeat = u('repeat');
      const earlier = this.history.length > 0 ? this.history[Math.floor(u('which') * this.history.length)] : undefined;
      let made: GeneratedInput;
      if (earlier && repeat < EXACT_DUPLICATE_RATE) made = earlier;
      else if (earlier && repeat < EXACT_DUPLICATE_RATE + NEAR_DUPLICATE_RATE) {
        made = { text: nearCopy(earlier.text, hash32(base, key('near', slot))), source: earlier.source };
      } else {
        const source = order[this.cursor++ % order.length] as number;
        made = { text: vary(inputOf(source), u), source };
      }
      out.push(made);
      this.history.push(made);
      if (this.history.length > HISTORY) this.history.shift();
    }
    return out;
  }
}
