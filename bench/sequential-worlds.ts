/**
 * Synthetic paired worlds for the sequential decision: each case falls in one cell of the paired 2×2
 * table with fixed probabilities, drawn from a seeded generator. Shared by bench/sequential.ts and the
 * calibration test, so both measure the same thing.
 */
import { mulberry32 } from '../src/dataset/sample.js';
import type { PairCounts } from '../src/decision/statistics.js';

export interface World {
  /** P(baseline right, candidate wrong) */
  p10: number;
  /** P(baseline wrong, candidate right) */
  p01: number;
  /** P(both right); the rest is both wrong */
  p11: number;
}

/** The cumulative paired counts of the first n of `cases` drawn cases, for `firstStop`. */
export function drawWorld(world: World, cases: number, seed: number): (n: number) => PairCounts {
  const random = mulberry32(seed);
  // Cumulative counts after each case: row i holds the counts of cases 0..i-1.
  const cumulative = new Uint32Array((cases + 1) * 4);
  for (let i = 0; i < cases; i++) {
    const u = random();
    const cell = u < world.p10 ? 1 : u < world.p10 + world.p01 ? 2 : u < world.p10 + world.p01 + world.p11 ? 0 : 3;
    for (let c = 0; c < 4; c++) cumulative[(i + 1) * 4 + c] = (cumulative[i * 4 + c] as number) + (c === cell ? 1 : 0);
  }
  return (n) => {
    const row = Math.min(n, cases) * 4;
    return {
      n11: cumulative[row] as number,
      n10: cumulative[row + 1] as number,
      n01: cumulative[row + 2] as number,
      n00: cumulative[row + 3] as number,
    };
  };
}
