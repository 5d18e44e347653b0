/**
 * Intervals for a share measured on clusters of calls (the perturbations of one case are not
 * independent: a case the model finds ambiguous flips under every perturbation).
 */
import { mulberry32 } from '../dataset/sample.js';
import { quantileOfSorted, wilsonAt } from '../scoring/intervals.js';

/** Per case: how many calls (`calls`) and how many of them had the property (`hits`). */
export interface ClusterCounts {
  hits: Float64Array;
  calls: Float64Array;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * Wilson's interval at the effective sample size N / deff, where the design effect deff compares the
 * cluster-robust (case-level) variance of the ratio estimator Σhits/Σcalls with the binomial one
 * (Korn & Graubard 1998). It stays inside [0, 1], does not collapse to a point when no call flipped
 * (a bootstrap would say [0, 0]), and needs no resampling. deff is never taken below 1 (a case's calls
 * are not less alike than independent ones); at p = 0 or 1 the correlation is unknown, so each case
 * counts as one draw.
 */
export function clusteredWilson(counts: ClusterCounts, z: number): [number, number] {
  const cases = counts.calls.length;
  const calls = sum(counts.calls);
  if (calls === 0) return [0, 1];
  const p = sum(counts.hits) / calls;
  if (p === 0 || p === 1 || cases < 2) return wilsonAt(p, Math.min(calls, Math.max(1, cases)), z);
  let squares = 0;
  for (let i = 0; i < cases; i++) {
    const residual = (counts.hits[i] as number) - p * (counts.calls[i] as number);
    squares += residual * residual;
  }
  const clusteredVariance = ((cases / (cases - 1)) * squares) / (calls * calls);
  const designEffect = Math.max(1, clusteredVariance / ((p * (1 - p)) / calls));
  return wilsonAt(p, calls / designEffect, z);
}

/**
 * Case-level bootstrap: `resamples` draws of the cases with replacement; for each draw, the sum of
 * every column over the drawn cases (columns are per-case values, all of one length). One draw of
 * indices serves every column, so statistics built from them stay paired.
 */
export function bootstrapSums(columns: readonly Float64Array[], resamples: number, seed: number): Float64Array[] {
  const cases = columns[0]?.length ?? 0;
  const sums = columns.map(() => new Float64Array(resamples));
  const random = mulberry32(seed);
  const drawn = new Uint32Array(cases);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < cases; i++) drawn[i] = Math.floor(random() * cases);
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c] as Float64Array;
      let total = 0;
      for (let i = 0; i < cases; i++) total += column[drawn[i] as number] as number;
      (sums[c] as Float64Array)[r] = total;
    }
  }
  return sums;
}

/** The percentile interval of resampled statistics. */
export function percentileInterval(statistics: Float64Array, confidence: number): [number, number] {
  const sorted = Float64Array.from(statistics).sort();
  const tail = (1 - confidence) / 2;
  return [quantileOfSorted(sorted, tail), quantileOfSorted(sorted, 1 - tail)];
}
