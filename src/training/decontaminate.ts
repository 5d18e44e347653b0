import { normalizeText } from './similarity.js';

/**
 * Leak detection between training inputs and protected inputs (the eval set, or a validation split).
 * A training input leaks a protected one when, after normalisation (case, punctuation, whitespace):
 * - `exact`: the two are equal;
 * - `containment`: one holds the other as a run of whole words, the shorter one at least
 *   {@link MIN_CONTAINED_WORDS} words long (an eval message quoted inside a longer training message, or the reverse);
 * - `ngram`: they share a run of {@link LONG_RUN_WORDS} words (the 13-gram of benchmark contamination checks), or,
 *   for short texts that rarely reach 13 words, a run of at least {@link SHORT_RUN_WORDS} words covering
 *   {@link SHORT_RUN_SHARE} of the shorter text;
 * - `near-duplicate`: a few word edits apart (a changed, added or dropped word; a typo counts as no edit), or the
 *   same words in another order (reordered clauses).
 */
export type LeakRule = 'exact' | 'containment' | 'ngram' | 'near-duplicate';

export const LEAK_RULES: readonly LeakRule[] = ['exact', 'containment', 'ngram', 'near-duplicate'];

/** Below this many words, containment is too weak a signal ("my card" is inside half of all messages). */
export const MIN_CONTAINED_WORDS = 4;
export const LONG_RUN_WORDS = 13;
export const SHORT_RUN_WORDS = 8;
export const SHORT_RUN_SHARE = 0.8;
/** Texts shorter than this are near-duplicates only when equal up to typos (one word is a quarter of them). */
const MIN_EDITABLE_WORDS = 5;
/** Word edits allowed: this share of the longer text, at least one. */
const EDIT_SHARE = 0.15;
/** Distinct-word Jaccard at which two texts are the same words reordered. */
const REORDER_JACCARD = 0.85;
/** Words this long or longer match a word one typo away (a swap, a missing, extra or wrong letter). */
const MIN_TYPO_WORD_LENGTH = 4;

export interface Leak {
  rule: LeakRule;
  /** The protected text it leaks, as given. */
  match: string;
}

export interface LeakExample extends Leak {
  text: string;
}

export interface LeakCounts {
  /** Texts removed, whatever the rule. */
  removed: number;
  by_rule: Record<LeakRule, number>;
  /** A few removed texts per rule, with the protected text each one leaks. */
  examples: LeakExample[];
}

export const EXAMPLES_PER_RULE = 3;

export function emptyLeakCounts(): LeakCounts {
  return { removed: 0, by_rule: { exact: 0, containment: 0, ngram: 0, 'near-duplicate': 0 }, examples: [] };
}

/** Counts one leak, keeping the first few examples of each rule. */
export function countLeak(counts: LeakCounts, text: string, leak: Leak): void {
  counts.removed++;
  counts.by_rule[leak.rule]++;
  if (counts.examples.filter((example) => example.rule === leak.rule).length < EXAMPLES_PER_RULE) {
    counts.examples.push({ ...leak, text });
  }
}

export interface LeakIndex {
  readonly size: number;
  add(text: string): void;
  /** The first rule (in {@link LEAK_RULES} order) by which `text` leaks a protected text, if any. */
  find(text: string): Leak | undefined;
}

interface Entry {
  text: string;
  words: string[];
  distinct: Set<string>;
  /** ` w1 w2 … ` for whole-word containment tests. */
  padded: string;
}

function prepare(text: string): Entry {
  const normalized = normalizeText(text);
  const words = normalized === '' ? [] : normalized.split(' ');
  return { text, words, distinct: new Set(words), padded: ` ${normalized} ` };
}

function contains(outer: Entry, inner: Entry): boolean {
  return inner.words.length >= MIN_CONTAINED_WORDS && outer.padded.includes(inner.padded);
}

/** Length of the longest run of words the two texts share (dynamic programming over one row). */
export function longestSharedRun(a: readonly string[], b: readonly string[]): number {
  let previous = new Uint16Array(b.length + 1);
  let current = new Uint16Array(b.length + 1);
  let best = 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const run = a[i - 1] === b[j - 1] ? (previous[j - 1] as number) + 1 : 0;
      current[j] = run;
      if (run > best) best = run;
    }
    [previous, current] = [current, previous];
  }
  return best;
}

function sharesLongRun(a: Entry, b: Entry): boolean {
  const run = longestSharedRun(a.words, b.words);
  const shorter = Math.min(a.words.length, b.words.length);
  return run >= LONG_RUN_WORDS || (run >= SHORT_RUN_WORDS && run >= SHORT_RUN_SHARE * shorter);
}

/** One typo apart: equal, or a single inserted, deleted, substituted or swapped letter (long enough words only). */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < MIN_TYPO_WORD_LENGTH || Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  if (a.length === b.length) {
    // Substitution: the rest after the difference is equal; swap: the next two letters are crossed.
    if (a.slice(start + 1) === b.slice(start + 1)) return true;
    return a[start] === b[start + 1] && a[start + 1] === b[start] && a.slice(start + 2) === b.slice(start + 2);
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(start + 1) === short.slice(start);
}

/** Word-level edit distance where a typo is no edit; stops early once over `limit`. */
function wordEdits(a: readonly string[], b: readonly string[], limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = sameWord(a[i - 1] as string, b[j - 1] as string) ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      if (value < rowBest) rowBest = value;
    }
    if (rowBest > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

function allowedEdits(a: Entry, b: Entry): number {
  const shorter = Math.min(a.words.length, b.words.length);
  if (shorter < MIN_EDITABLE_WORDS) return 0;
  return Math.max(1, Math.floor(EDIT_SHARE * Math.max(a.words.length, b.words.length)));
}

function distinctJaccard(a: Entry, b: Entry): number {
  let shared = 0;
  for (const word of a.distinct) if (b.distinct.has(word)) shared++;
  return shared / (a.distinct.size + b.distinct.size - shared);
}

function nearDuplicate(a: Entry, b: Entry): boolean {
  if (Math.min(a.words.length, b.words.length) < MIN_CONTAINED_WORDS) return false;
  if (Math.min(a.words.length, b.words.length) >= MIN_EDITABLE_WORDS && distinctJaccard(a, b) >= REORDER_JACCARD) {
    return true;
  }
  const limit = allowedEdits(a, b);
  return wordEdits(a.words, b.words, limit) <= limit;
}

/** The first rule by which `candidate` (a training text) leaks `reference` (a protected text). */
function leakRule(candidate: Entry, reference: Entry): LeakRule | undefined {
  if (contains(candidate, reference) || contains(reference, candidate)) return 'containment';
  if (sharesLongRun(candidate, reference)) return 'ngram';
  if (nearDuplicate(candidate, reference)) return 'near-duplicate';
  return undefined;
}

/**
 * An index of protected texts. A query only compares the protected texts it could leak, found two ways:
 * those sharing a run of {@link SHORT_RUN_WORDS} words (every long run and every long containment does), and
 * those sharing nearly all distinct words of the shorter text (every containment, reordering and few-word edit
 * does; one typo and the allowed edits are the slack). Common words make the second lookup touch many texts,
 * but only as counters; the expensive comparisons stay few.
 */
export function leakIndex(protectedTexts: Iterable<string> = []): LeakIndex {
  const entries: Entry[] = [];
  const exact = new Map<string, number>();
  const byWord = new Map<string, number[]>();
  const byRun = new Map<string, number[]>();
  let shared = new Int32Array(64);
  const push = (map: Map<string, number[]>, key: string, id: number) => {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  };

  function add(text: string): void {
    const entry = prepare(text);
    const id = entries.length;
    entries.push(entry);
    const key = entry.words.join(' ');
    if (!exact.has(key)) exact.set(key, id);
    for (const word of entry.distinct) push(byWord, word, id);
    for (const run of new Set(runs(entry.words))) push(byRun, run, id);
    if (entries.length > shared.length) {
      const grown = new Int32Array(shared.length * 2);
      grown.set(shared);
      shared = grown;
    }
  }

  function candidates(query: Entry): Set<number> {
    const found = new Set<number>();
    for (const run of runs(query.words)) for (const id of byRun.get(run) ?? []) found.add(id);
    const touched: number[] = [];
    for (const word of query.distinct) {
      for (const id of byWord.get(word) ?? []) {
        if (shared[id] === 0) touched.push(id);
        shared[id] = (shared[id] as number) + 1;
      }
    }
    for (const id of touched) {
      const entry = entries[id] as Entry;
      const smaller = Math.min(entry.distinct.size, query.distinct.size);
      if (smaller >= MIN_CONTAINED_WORDS && couldLeak(entry, query, shared[id] as number)) found.add(id);
      shared[id] = 0;
    }
    return found;
  }

  function find(text: string): Leak | undefined {
    const query = prepare(text);
    const same = exact.get(query.words.join(' '));
    if (same !== undefined) return { rule: 'exact', match: (entries[same] as Entry).text };
    let best: Leak | undefined;
    for (const id of [...candidates(query)].sort((a, b) => a - b)) {
      const reference = entries[id] as Entry;
      const rule = leakRule(query, reference);
      if (rule === undefined) continue;
      // Report the strongest rule found, and among equals the earliest protected text (stable examples).
      if (best === undefined || LEAK_RULES.indexOf(rule) < LEAK_RULES.indexOf(best.rule)) {
        best = { rule, match: reference.text };
      }
    }
    return best;
  }

  for (const text of protectedTexts) add(text);
  return {
    get size() {
      return entries.length;
    },
    add,
    find,
  };
}

/**
 * Whether two texts sharing `shared` distinct words could be a containment (every word of the smaller one is
 * shared), a reordering (Jaccard within reach) or a few word edits apart (lengths within the allowed edits,
 * all but those edits and one typo shared).
 */
function couldLeak(a: Entry, b: Entry, shared: number): boolean {
  const [small, large] =
    a.distinct.size <= b.distinct.size ? [a.distinct.size, b.distinct.size] : [b.distinct.size, a.distinct.size];
  if (shared === small) return true;
  if (shared >= REORDER_JACCARD * (small + large - shared)) return true;
  const limit = allowedEdits(a, b);
  return Math.abs(a.words.length - b.words.length) <= limit && shared >= small - limit - 1;
}

function runs(words: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i + SHORT_RUN_WORDS <= words.length; i++) found.push(words.slice(i, i + SHORT_RUN_WORDS).join(' '));
  return found;
}
