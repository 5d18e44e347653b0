import { TunegateError } from '../errors.js';

/** Lowercase, punctuation removed (Unicode-aware), whitespace collapsed and trimmed. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\p{P}/gu, '').replace(/\s+/gu, ' ').trim();
}

/**
 * Texts with fewer words than this are compared by character trigrams: one changed word in a short
 * message would otherwise wipe out most of its few word trigrams.
 */
const SHORT_TEXT_WORDS = 10;
const CHAR_SHINGLE = 3;
const WORD_SHINGLE = 3;

/**
 * The distinct shingles of a normalized text: word trigrams for long texts, character trigrams for short ones.
 * The prefixes `w:` / `c:` keep the two kinds apart, so a short and a long text never share a shingle.
 */
export function shingles(normalized: string): string[] {
  const words = normalized === '' ? [] : normalized.split(' ');
  const found = new Set<string>();
  if (words.length >= SHORT_TEXT_WORDS) {
    for (let i = 0; i + WORD_SHINGLE <= words.length; i++) found.add(`w:${words.slice(i, i + WORD_SHINGLE).join(' ')}`);
  } else if (normalized.length <= CHAR_SHINGLE) {
    found.add(`c:${normalized}`);
  } else {
    for (let i = 0; i + CHAR_SHINGLE <= normalized.length; i++) found.add(`c:${normalized.slice(i, i + CHAR_SHINGLE)}`);
  }
  return [...found];
}

/** Jaccard similarity of two shingle sets (1 for two empty sets). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small) if (large.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** FNV-1a: a fixed, platform-independent order over shingles for prefix filtering. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function globalOrder(tokens: string[]): string[] {
  const keyed = tokens.map((token) => ({ token, key: fnv1a(token) }));
  keyed.sort((a, b) => a.key - b.key || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  return keyed.map(({ token }) => token);
}

export interface SimilarText {
  text: string;
  similarity: number;
}

/** Texts kept so far, queried for one whose similarity reaches the threshold. */
export interface NearDuplicateIndex {
  readonly size: number;
  readonly threshold: number;
  add(text: string): void;
  /** The most similar kept text with similarity ≥ threshold (1 for equal normalized texts), if any. */
  findSimilar(text: string): SimilarText | undefined;
  /** Adds `text` unless a kept text is similar; true when it was added. */
  addIfNew(text: string): boolean;
}

interface Entry {
  text: string;
  shingles: Set<string>;
}

/**
 * A near-duplicate index using prefix filtering: under one global order of shingles, two sets with
 * Jaccard ≥ t share a token among the first |x| − ⌈t·|x|⌉ + 1 of each. Only those prefixes are indexed
 * and probed, and only the few candidates found are compared exactly — no scan over every kept text.
 */
export function nearDuplicateIndex(threshold: number): NearDuplicateIndex {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new TunegateError('similarity', `similarity threshold must be in (0, 1], got ${threshold}`);
  }
  const entries: Entry[] = [];
  const exact = new Map<string, number>();
  const postings = new Map<string, number[]>();
  // A tiny epsilon keeps floating-point error from shortening a prefix (shorter would miss matches).
  const prefixLength = (size: number) => size - Math.ceil(threshold * size - 1e-9) + 1;

  function prepare(text: string): { normalized: string; ordered: string[] } {
    const normalized = normalizeText(text);
    return { normalized, ordered: globalOrder(shingles(normalized)) };
  }

  function search(normalized: string, ordered: string[]): SimilarText | undefined {
    const same = exact.get(normalized);
    if (same !== undefined) return { text: (entries[same] as Entry).text, similarity: 1 };
    const own = new Set(ordered);
    const seen = new Set<number>();
    let best: SimilarText | undefined;
    for (const token of ordered.slice(0, prefixLength(ordered.length))) {
      for (const id of postings.get(token) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const entry = entries[id] as Entry;
        // Size filter: Jaccard ≤ min/max of the two sizes.
        const sizes = [own.size, entry.shingles.size].sort((a, b) => a - b) as [number, number];
        if (sizes[0] < threshold * sizes[1] - 1e-9) continue;
        const similarity = jaccard(own, entry.shingles);
        if (similarity >= threshold && (best === undefined || similarity > best.similarity)) {
          best = { text: entry.text, similarity };
        }
      }
    }
    return best;
  }

  function insert(text: string, normalized: string, ordered: string[]): void {
    const id = entries.length;
    entries.push({ text, shingles: new Set(ordered) });
    if (!exact.has(normalized)) exact.set(normalized, id);
    for (const token of ordered.slice(0, prefixLength(ordered.length))) {
      const list = postings.get(token);
      if (list) list.push(id);
      else postings.set(token, [id]);
    }
  }

  return {
    threshold,
    get size() {
      return entries.length;
    },
    add(text) {
      const { normalized, ordered } = prepare(text);
      insert(text, normalized, ordered);
    },
    findSimilar(text) {
      const { normalized, ordered } = prepare(text);
      return search(normalized, ordered);
    },
    addIfNew(text) {
      const { normalized, ordered } = prepare(text);
      if (search(normalized, ordered) !== undefined) return false;
      insert(text, normalized, ordered);
      return true;
    },
  };
}
