/**
 * Paired comparison of two variants run on the same cases: is the candidate's accuracy really
 * different from the baseline's, and by how much? Only the cases where the two disagree carry
 * evidence, which is why every function here works from the four counts of the paired 2×2 table.
 */
import { wilson } from '../scoring/intervals.js';
import { binomialHalfCdf, chiSquareOneDfSurvival } from './statistics-special.js';

export { pairedBootstrap } from './statistics-bootstrap.js';
export { erfc } from './statistics-special.js';

/** The paired 2×2 table: first digit = baseline correct, second = candidate correct. */
export interface PairCounts {
  /** both correct */
  n11: number;
  /** baseline correct, candidate wrong */
  n10: number;
  /** baseline wrong, candidate correct */
  n01: number;
  /** both wrong */
  n00: number;
}

export interface PairedInterval {
  /** candidate accuracy − baseline accuracy */
  diff: number;
  low: number;
  high: number;
}

function isCorrect(value: number | boolean, index: number): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  throw new RangeError(`pairCounts: outcome ${index} must be a boolean or 0/1, got ${value}`);
}

/** Tallies per-case outcomes of the two variants (same case order in both) into the paired table. */
export function pairCounts(baseline: ArrayLike<number | boolean>, candidate: ArrayLike<number | boolean>): PairCounts {
  if (baseline.length !== candidate.length) {
    throw new RangeError(`pairCounts: ${baseline.length} baseline outcomes but ${candidate.length} candidate ones`);
  }
  const counts: PairCounts = { n11: 0, n10: 0, n01: 0, n00: 0 };
  for (let i = 0; i < baseline.length; i++) {
    const baselineRight = isCorrect(baseline[i] as number | boolean, i);
    const candidateRight = isCorrect(candidate[i] as number | boolean, i);
    if (baselineRight) candidateRight ? counts.n11++ : counts.n10++;
    else candidateRight ? counts.n01++ : counts.n00++;
  }
  return counts;
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
}

/**
 * Exact (conditional) McNemar test: under "no difference" each discordant pair is a fair coin, so the
 * two-sided p-value is min(1, 2·P(X ≤ min(b, c))) with X ~ Bin(b + c, ½). Exact at any count, so it is
 * right where the chi-square approximation is not (few discordant pairs). b = baseline right and
 * candidate wrong, c = the reverse.
 */
export function exactMcNemar(b: number, c: number): { p_value: number; b: number; c: number } {
  assertCount('b', b);
  assertCount('c', c);
  const p_value = b + c === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c));
  return { p_value, b, c };
}

/**
 * One-sided exact McNemar test for a loss: the probability, under "no difference", of at least `b`
 * right → wrong flips among the b + c discordant pairs, P(X ≥ b) = P(X ≤ c) with X ~ Bin(b + c, ½).
 * The test to use when only a loss matters (drift): half the two-sided p in the direction of a loss.
 */
export function exactMcNemarLoss(b: number, c: number): number {
  assertCount('b', b);
  assertCount('c', c);
  return b + c === 0 ? 1 : binomialHalfCdf(c, b + c);
}

/**
 * McNemar's chi-square test, (|b − c| − 1)² / (b + c) with Edwards' continuity correction (or without),
 * for comparison with tools that report it; prefer exactMcNemar for decisions.
 */
export function mcNemarChiSquare(b: number, c: number, continuity = true): { statistic: number; p_value: number } {
  assertCount('b', b);
  assertCount('c', c);
  if (b + c === 0) return { statistic: 0, p_value: 1 };
  const excess = Math.max(0, Math.abs(b - c) - (continuity ? 1 : 0));
  const statistic = (excess * excess) / (b + c);
  return { statistic, p_value: chiSquareOneDfSurvival(statistic) };
}

/** The number of pairs in the table. */
export function pairTotal(counts: PairCounts): number {
  return counts.n11 + counts.n10 + counts.n01 + counts.n00;
}

/**
 * Newcombe's (1998) method 10 interval for the paired difference candidate − baseline: Wilson intervals
 * for each accuracy, combined by "square and add" with the estimated correlation φ between the two
 * (φ continuity-corrected towards 0 when positive, as Newcombe recommends). Stays inside [−1, 1] and
 * keeps its coverage for small n and accuracies near 0 or 1, where the Wald interval fails.
 * No pairs say nothing: diff 0, [−1, 1].
 */
export function pairedDiffInterval(counts: PairCounts, confidence = 0.95): PairedInterval & { method: 'newcombe' } {
  const { n11, n10, n01, n00 } = counts;
  for (const [name, value] of Object.entries(counts)) assertCount(name, value);
  const n = pairTotal(counts);
  if (n === 0) return { diff: 0, low: -1, high: 1, method: 'newcombe' };

  const candidateRight = n11 + n01;
  const baselineRight = n11 + n10;
  const candidateAccuracy = candidateRight / n;
  const baselineAccuracy = baselineRight / n;
  const [candidateLow, candidateHigh] = wilson(candidateRight, n, confidence);
  const [baselineLow, baselineHigh] = wilson(baselineRight, n, confidence);

  const marginalProduct = candidateRight * (n - candidateRight) * baselineRight * (n - baselineRight);
  const association = n11 * n00 - n10 * n01;
  let phi = 0;
  if (marginalProduct > 0) {
    if (association > n / 2) phi = (association - n / 2) / Math.sqrt(marginalProduct);
    else if (association < 0) phi = association / Math.sqrt(marginalProduct);
  }

  const diff = (n01 - n10) / n;
  const squareAndAdd = (x: number, y: number) => Math.sqrt(Math.max(0, x * x - 2 * phi * x * y + y * y));
  const below = squareAndAdd(candidateAccuracy - candidateLow, baselineHigh - baselineAccuracy);
  const above = squareAndAdd(candidateHigh - candidateAccuracy, baselineAccuracy - baselineLow);
  return { diff, low: Math.max(-1, diff - below), high: Math.min(1, diff + above), method: 'newcombe' };
}

/**
 * Holm's (1979) step-down adjustment: the family-wise error of "reject where adjusted p < α" stays
 * at most α for any dependence between the tests, and it is uniformly more powerful than Bonferroni.
 * Returns the adjusted p-values in the order given.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
