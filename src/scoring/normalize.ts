import type { Normalizer } from '../suite/types.js';

const normalizerFunctions: Record<Normalizer, (text: string) => string> = {
  trim: (text) => text.trim(),
  lowercase: (text) => text.toLowerCase(),
  collapse_whitespace: (text) => text.replace(/\s+/gu, ' '),
  // Unicode-aware: also removes «», ¿, 、, 。 and the like, not just ASCII punctuation.
  strip_punctuation: (text) => text.replace(/\p{P}/gu, ''),
};

/** Applies the normalizers in the order given. */
export function normalize(text: string, normalizers: readonly Normalizer[]): string {
  let result = text;
  for (const name of normalizers) result = normalizerFunctions[name](result);
  return result;
}

/** The gold answer as text: strings as they are, objects as JSON, null/undefined as ''. */
export function expectedAsText(expected: unknown): string {
  if (typeof expected === 'string') return expected;
  if (expected === null || expected === undefined) return '';
  if (typeof expected === 'object') return JSON.stringify(expected);
  return String(expected);
}
