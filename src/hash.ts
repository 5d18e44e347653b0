/**
 * Seeded 32-bit string hash (FNV-1a, then murmur3's finaliser for avalanche). Everything the
 * simulator decides "at random" goes through it, so the same seed and inputs give the same run.
 */
export function hash32(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return murmurFinish(h);
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole output (unsigned). */
export function murmurFinish(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A deterministic number in [0, 1). */
export function unitHash(seed: number, text: string): number {
  return hash32(seed, text) / 0x1_0000_0000;
}

/** Joins key parts with a separator that cannot occur in ordinary text. */
export function key(...parts: (string | number)[]): string {
  return parts.join('\u0000');
}
