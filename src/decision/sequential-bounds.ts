/**
 * Group-sequential efficacy boundaries: Lan & DeMets (1983) alpha spending with the O'Brien–Fleming
 * type function, the bounds found by the Armitage, McPherson & Rowe (1969) recursion — the joint
 * normal density of the score process integrated numerically look by look (Jennison & Turnbull 2000,
 * Group Sequential Methods, ch. 19). One-sided and non-binding: the bounds ignore any futility stop,
 * so stopping for futility can only lower the error rate.
 */
import { erfc } from './statistics-special.js';

/** P(Z ≥ x) for a standard normal, accurate in relative terms deep into the tail. */
export function normalUpperTail(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

const INVERSE_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

function normalDensity(x: number): number {
  return INVERSE_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}

/** The x with P(Z ≥ x) = p, by bisection on the tail-accurate upper tail (works for p down to 1e-300). */
export function upperQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`upperQuantile: p must be in (0, 1), got ${p}`);
  let low = -40;
  let high = 40;
  for (let i = 0; i < 200 && high - low > 1e-13; i++) {
    const mid = (low + high) / 2;
    if (normalUpperTail(mid) > p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Lan–DeMets O'Brien–Fleming type spending for a one-sided α: α(t) = 2 − 2Φ(z₁₋α/₂ / √t), the error
 * spent by information fraction t (α(1) = α, and almost nothing early).
 */
export function obrienFlemingSpent(t: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${alpha}`);
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * normalUpperTail(upperQuantile(alpha / 2) / Math.sqrt(t));
}

/** Simpson weights × step for `count` (odd) equally spaced points. */
function simpsonWeights(count: number, step: number): Float64Array {
  const weights = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const inner = i === 0 || i === count - 1 ? 1 : i % 2 === 1 ? 4 : 2;
    weights[i] = (inner * step) / 3;
  }
  return weights;
}

/** The sub-density of the score S_k = Z_k·√t_k on the paths not yet stopped, on a grid ending at the bound. */
interface Grid {
  points: Float64Array;
  /** density × Simpson weight: integrals over the grid are plain sums */
  mass: Float64Array;
}

/** Tail of the score distribution left out of the grid: 10 standard deviations below a mean of 0. */
const GRID_DEPTH_SD = 10;

function makeGrid(low: number, high: number, step: number, density: (x: number) => number): Grid {
  const intervals = Math.max(2, 2 * Math.ceil((high - low) / (2 * step)));
  const h = (high - low) / intervals;
  const weights = simpsonWeights(intervals + 1, h);
  const points = new Float64Array(intervals + 1);
  const mass = new Float64Array(intervals + 1);
  for (let i = 0; i <= intervals; i++) {
    const x = low + i * h;
    points[i] = x;
    mass[i] = density(x) * (weights[i] as number);
  }
  return { points, mass };
}

/** P(the path continues to the previous look, then its score exceeds c at this one), increment sd `sd`. */
function crossing(previous: Grid, c: number, sd: number): number {
  let sum = 0;
  for (let i = 0; i < previous.points.length; i++) {
    sum += (previous.mass[i] as number) * normalUpperTail((c - (previous.points[i] as number)) / sd);
  }
  return sum;
}

/** Bisection for the score bound c where the crossing probability equals `target` (decreasing in c). */
function solveBound(probability: (c: number) => number, target: number, high: number): number {
  let low = -high;
  let up = high;
  if (probability(up) > target) return up;
  for (let i = 0; i < 100 && up - low > 1e-10; i++) {
    const mid = (low + up) / 2;
    if (probability(mid) > target) low = mid;
    else up = mid;
  }
  return (low + up) / 2;
}

/**
 * One-sided efficacy bounds z_k at the information fractions t_1 < … < t_K = 1: under H0 the chance
 * of a first crossing at look k is α(t_k) − α(t_{k−1}). Bounds are on the z scale; a look with no error
 * to spend gets a bound of 40 (never crossed in practice).
 */
export function efficacyBounds(fractions: readonly number[], alpha: number): number[] {
  if (fractions.length === 0) throw new RangeError('efficacyBounds: need at least one look');
  fractions.forEach((t, k) => {
    const before = k === 0 ? 0 : (fractions[k - 1] as number);
    if (!(t > before && t <= 1))
      throw new RangeError(`efficacyBounds: fractions must rise within (0, 1], got ${fractions}`);
  });
  // Fine enough for the narrowest increment: the kernel is resolved by ~16 Simpson steps per sd.
  const increments = fractions.map((t, k) => t - (k === 0 ? 0 : (fractions[k - 1] as number)));
  const step = Math.sqrt(Math.min(...increments)) / 16;
  const bounds: number[] = [];
  let grid: Grid | null = null;
  let spent = 0;
  fractions.forEach((t, k) => {
    const target = obrienFlemingSpent(t, alpha) - spent;
    spent += target;
    const sdScore = Math.sqrt(t);
    const sdIncrement = Math.sqrt(increments[k] as number);
    const previous = grid;
    const probability = previous
      ? (c: number) => crossing(previous, c, sdIncrement)
      : (c: number) => normalUpperTail(c / sdScore);
    const c = target > 0 ? solveBound(probability, target, 40 * sdScore) : 40 * sdScore;
    bounds.push(c / sdScore);
    if (k === fractions.length - 1) return;
    const low = -GRID_DEPTH_SD * sdScore;
    const upper = Math.min(c, GRID_DEPTH_SD * sdScore);
    grid = makeGrid(low, upper, step, (x) => {
      if (!previous) return normalDensity(x / sdScore) / sdScore;
      let sum = 0;
      for (let i = 0; i < previous.points.length; i++) {
        sum += (previous.mass[i] as number) * normalDensity((x - (previous.points[i] as number)) / sdIncrement);
      }
      return sum / sdIncrement;
    });
  });
  return bounds;
}

/** Information fractions of looks at equal information over `planned` cases: n_k = ceil(k·N/K). */
export function lookSizes(planned: number, looks: number): number[] {
  if (!Number.isInteger(looks) || looks < 1) throw new RangeError(`looks must be a whole number ≥ 1, got ${looks}`);
  const sizes: number[] = [];
  for (let k = 1; k <= looks; k++) {
    const size = Math.ceil((k * planned) / looks);
    if (size > (sizes.at(-1) ?? 0)) sizes.push(size);
  }
  return sizes;
}
