import { hash32 } from '../hash.js';

/**
 * The cases fragility is measured on: each id ranked by a hash of (id, seed), the lowest `sample`
 * kept, returned in the given order. Order-independent (shuffling or adding ids never swaps a kept
 * case for another unless it ranks lower), so runs on a growing dataset keep measuring the same cases.
 */
export function fragilityCases(caseIds: readonly string[], sample: number, seed: number): string[] {
  const unique = [...new Set(caseIds)];
  if (sample >= unique.length) return unique;
  const rank = new Map(unique.map((id) => [id, hash32(seed, `fragility\u0000${id}`)]));
  const kept = new Set(
    [...unique]
      .sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, sample)),
  );
  return unique.filter((id) => kept.has(id));
}
