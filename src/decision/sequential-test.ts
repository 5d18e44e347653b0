/**
 * The paired non-inferiority question asked at each look of a sequential run: settled yet, and which
 * way? Uses the verdict's own paired statistics (Newcombe's interval, statistics.ts) at each look's
 * adjusted level — the repeated confidence interval of Jennison & Turnbull (2000, ch. 9) — so the
 * fixed and the sequential verdicts read the same evidence the same way.
 */
import { zForConfidence } from '../scoring/intervals.js';
import { efficacyBounds, lookSizes, normalUpperTail } from './sequential-bounds.js';
import { type PairCounts, pairedDiffInterval, pairTotal } from './statistics.js';

export type SequentialStopReason = 'non-inferior' | 'worse' | 'futile' | 'max-reached';

/**
 * Conditional power under the current trend below which a look stops for futility (non-binding). It costs
 * power (bench/sequential.mjs prints how much) in exchange for the calls it saves on hopeless candidates.
 */
export const FUTILITY_CONDITIONAL_POWER = 0.1;

/** The largest two-sided level a look is assessed at; beyond it the interval is [−1, 1] anyway. */
const MAX_LEVEL = 1 - 1e-12;

export interface SequentialPlan {
  /** one-sided α of the verdict: (1 − confidence) / 2 */
  alpha: number;
  /** δ: H0 d ≤ −δ against H1 d > −δ, d = candidate − baseline accuracy */
  margin: number;
  /** the verdict's confidence, for the standard error read off its interval */
  confidence: number;
  /** N: the cases the fixed run would evaluate */
  planned: number;
  /** cumulative cases at each look, n_k = ceil(k·N/K) */
  sizes: number[];
  /** one-sided efficacy bound on the z scale at each look */
  bounds: number[];
}

export function planSequential(options: {
  planned: number;
  looks: number;
  confidence: number;
  margin: number;
}): SequentialPlan {
  const { planned, looks, confidence, margin } = options;
  if (!Number.isInteger(planned) || planned < 1) throw new RangeError(`planned cases must be ≥ 1, got ${planned}`);
  const alpha = (1 - confidence) / 2;
  const sizes = lookSizes(planned, looks);
  return { alpha, margin, confidence, planned, sizes, bounds: boundsFor(sizes, planned, alpha) };
}

// Bounds depend only on the fractions and α; a calibration or bench run asks for the same ones many times.
const boundsCache = new Map<string, number[]>();

function boundsFor(sizes: readonly number[], planned: number, alpha: number): number[] {
  const key = `${alpha}:${planned}:${sizes.join(',')}`;
  let bounds = boundsCache.get(key);
  if (!bounds) {
    bounds = efficacyBounds(
      sizes.map((n) => n / planned),
      alpha,
    );
    boundsCache.set(key, bounds);
  }
  return bounds;
}

/** Two-sided level of the repeated confidence interval at a bound: each side spends the one-sided tail. */
export function levelOfBound(bound: number): number {
  return Math.min(MAX_LEVEL, 1 - 2 * normalUpperTail(bound));
}

export interface LookAssessment {
  /** 1-based */
  look: number;
  /** pairs both variants answered at this look */
  n: number;
  bound: number;
  interval: { low: number; high: number; level: number };
  /** (d̂ + δ) / se: the statistic for H0 d ≤ −δ, se read off the verdict's interval */
  z: number;
  /**
   * If the current trend held (B-value method, Lan & Wittes 1988): the larger of the chances of showing
   * non-inferiority and of showing a loss beyond the margin by the last look. Below 10%: futile.
   */
  conditional_power: number;
  stop: SequentialStopReason | null;
}

/**
 * Conditional power under the current trend at information fraction t: with the B-value B(t) = z√t and
 * the drift estimated as θ̂ = B(t)/t, B(1) ~ N(B(t) + θ̂(1 − t), 1 − t), so
 * CP = P(B(1) ≥ b_K) = Φ̄((b_K − z/√t) / √(1 − t)). Uses the last bound only (the earlier looks' chances
 * are ignored), which is what makes it a simple, non-binding rule.
 */
export function conditionalPower(z: number, t: number, lastBound: number): number {
  if (t >= 1) return z >= lastBound ? 1 : 0;
  return normalUpperTail((lastBound - z / Math.sqrt(t)) / Math.sqrt(1 - t));
}

/** Reads look `look` (1-based) of the plan from the paired counts of the cases evaluated so far. */
export function assessLook(plan: SequentialPlan, look: number, counts: PairCounts): LookAssessment {
  const bound = plan.bounds[look - 1];
  if (bound === undefined) throw new RangeError(`look ${look} is not among the plan's ${plan.bounds.length}`);
  const last = look === plan.bounds.length;
  const n = pairTotal(counts);
  const level = levelOfBound(bound);
  const repeated = pairedDiffInterval(counts, level);
  const verdictInterval = pairedDiffInterval(counts, plan.confidence);
  const se = Math.max((verdictInterval.high - verdictInterval.low) / (2 * zForConfidence(plan.confidence)), 1e-9);
  const z = (repeated.diff + plan.margin) / se;
  const fraction = (plan.sizes[look - 1] as number) / plan.planned;
  const lastBound = plan.bounds.at(-1) as number;
  // Futile only when neither question can be settled: a clear loss goes on until it is shown.
  const power = Math.max(conditionalPower(z, fraction, lastBound), conditionalPower(-z, fraction, lastBound));
  let stop: SequentialStopReason | null = null;
  if (n > 0 && repeated.low > -plan.margin) stop = 'non-inferior';
  else if (n > 0 && repeated.high < -plan.margin) stop = 'worse';
  else if (last) stop = 'max-reached';
  else if (n > 0 && power < FUTILITY_CONDITIONAL_POWER) stop = 'futile';
  return {
    look,
    n,
    bound,
    interval: { low: repeated.low, high: repeated.high, level },
    z,
    conditional_power: power,
    stop,
  };
}

/**
 * Runs the looks of a plan over data already known (simulations, the bench, calibration): `countsAt(n)`
 * gives the paired counts of the first n cases. Returns the look that stopped.
 */
export function firstStop(plan: SequentialPlan, countsAt: (n: number) => PairCounts): LookAssessment {
  for (let look = 1; ; look++) {
    const assessed = assessLook(plan, look, countsAt(plan.sizes[look - 1] as number));
    if (assessed.stop) return assessed;
  }
}
