/**
 * How many paired cases a non-inferiority comparison needs, so a verdict of "not enough evidence"
 * can say how much more evidence would do.
 */
import { inverseNormalCdf } from '../scoring/intervals.js';
import { type PairCounts, pairTotal } from './statistics.js';

export interface NonInferiorityPlan {
  /** the accuracy loss still accepted (δ > 0): H0 d ≤ −δ against H1 d > −δ, d = candidate − baseline */
  margin: number;
  /** one-sided; 0.025 matches checking the lower bound of a two-sided 95% interval */
  alpha?: number;
  power?: number;
  /**
   * What the extra cases should be able to show: that the candidate loses less than the margin
   * (default), or that it loses more — the direction the observed difference points to.
   */
  direction?: 'non-inferior' | 'worse';
}

/**
 * Pairs needed to show non-inferiority of paired proportions (Wald-type, Lu & Bean 1995):
 * n = (z₁₋α + z₁₋β)² · (ψ − d²) / (d + δ)², with ψ = p10 + p01 the discordance and d = p01 − p10.
 * p10 = P(baseline right, candidate wrong), p01 = P(baseline wrong, candidate right).
 * Infinity when d ≤ −δ: no sample shows non-inferiority when the true loss is at or beyond the margin
 * (with direction "worse": when d ≥ −δ, no sample shows a loss beyond the margin).
 */
export function requiredPairs(options: NonInferiorityPlan & { p10: number; p01: number }): number {
  const { p10, p01, margin, alpha = 0.025, power = 0.8, direction = 'non-inferior' } = options;
  if (!(p10 >= 0 && p01 >= 0 && p10 + p01 <= 1 + 1e-12)) {
    throw new RangeError(`requiredPairs: need p10, p01 ≥ 0 with p10 + p01 ≤ 1, got ${p10}, ${p01}`);
  }
  if (!(margin >= 0 && Number.isFinite(margin))) throw new RangeError(`margin must be ≥ 0, got ${margin}`);
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);

  const discordance = p10 + p01;
  const difference = p01 - p10;
  const distanceFromMargin = direction === 'worse' ? -(difference + margin) : difference + margin;
  // Within rounding of the margin counts as on it: no finite sample separates the two.
  if (distanceFromMargin <= 1e-12) return Number.POSITIVE_INFINITY;
  const z = inverseNormalCdf(1 - alpha) + inverseNormalCdf(power);
  const variance = Math.max(0, discordance - difference * difference);
  const pairs = (z * z * variance) / (distanceFromMargin * distanceFromMargin);
  // The tolerance keeps an exact integer from rounding up to the next one through floating-point noise.
  return Math.max(1, Math.ceil(pairs - 1e-9));
}

/**
 * Extra pairs to collect, planning with the discordance observed so far. An empty discordant cell
 * gets half a pair (and n grows by as much) so ψ > 0: "never seen" is not "impossible". With no data
 * at all that assumes p10 = p01 = ½, the largest variance at equal accuracy.
 */
export function additionalPairsNeeded(counts: PairCounts, plan: NonInferiorityPlan): number {
  const n = pairTotal(counts);
  const n10 = counts.n10 > 0 ? counts.n10 : 0.5;
  const n01 = counts.n01 > 0 ? counts.n01 : 0.5;
  const smoothedTotal = n + (n10 - counts.n10) + (n01 - counts.n01);
  const p10 = n10 / smoothedTotal;
  const p01 = n01 / smoothedTotal;
  // Plan for the side the data leans to: showing "worse" when the observed loss is beyond the margin.
  const direction = plan.direction ?? (p01 - p10 + plan.margin < 0 ? 'worse' : 'non-inferior');
  const needed = requiredPairs({ ...plan, direction, p10, p01 });
  return Math.max(0, needed - n);
}
