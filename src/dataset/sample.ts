/** Deterministic sampling: the same seed always picks the same rows, on every platform. */

/** mulberry32: a tiny, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `size` distinct indices of 0..total-1 chosen by a partial Fisher–Yates shuffle (O(total)), returned
 * in ascending order so sampled rows keep their file order. size >= total returns every index.
 */
export function sampleIndices(total: number, size: number, seed: number): number[] {
  if (size >= total) return Array.from({ length: total }, (_, i) => i);
  const random = mulberry32(seed);
  const pool = new Uint32Array(total);
  for (let i = 0; i < total; i++) pool[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (total - i));
    const picked = pool[j] as number;
    pool[j] = pool[i] as number;
    pool[i] = picked;
  }
  return Array.from(pool.subarray(0, size)).sort((a, b) => a - b);
}
