// Coefficients of Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
const a = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const c = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const lowRegion = 0.02425;

function polynomial(coefficients: number[], x: number): number {
  return coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
}

/** The quantile of the standard normal distribution: P(Z ≤ z) = p. */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormalCdf: p must be in (0, 1), got ${p}`);
  if (p < lowRegion) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(c, q) / (polynomial(d, q) * q + 1);
  }
  if (p > 1 - lowRegion) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -polynomial(c, q) / (polynomial(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(a, r) * q) / (polynomial(b, r) * r + 1);
}

/** The two-sided critical value: 1.959963984540054 for 0.95. */
export function zForConfidence(confidence: number): number {
  if (confidence === 0.95) return 1.959963984540054;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return inverseNormalCdf(1 - (1 - confidence) / 2);
}

/**
 * The Wilson score interval of a proportion: unlike the normal approximation it stays inside [0, 1]
 * and behaves at 0 and n successes. No data (n = 0) says nothing: [0, 1].
 */
export function wilson(successes: number, n: number, confidence = 0.95): [number, number] {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`wilson: need integers 0 ≤ successes ≤ n, got ${successes}/${n}`);
  }
  if (n === 0) return [0, 1];
  return wilsonAt(successes / n, n, zForConfidence(confidence));
}

/**
 * The Wilson interval of an observed share `p` over a sample worth `n` independent draws; `n` may be
 * fractional (an effective sample size, for clustered data).
 */
export function wilsonAt(p: number, n: number, z: number): [number, number] {
  const z2n = (z * z) / n;
  const center = p + z2n / 2;
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  const scale = 1 + z2n;
  // At the edges the formula is exactly 0 or 1; pin it so rounding cannot leave a 1e-17 residue.
  const low = p === 0 ? 0 : (center - spread) / scale;
  const high = p === 1 ? 1 : (center + spread) / scale;
  return [Math.max(0, low), Math.min(1, high)];
}

/** Linear interpolation between order statistics (the common "type 7" quantile) of a sorted sample. */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below] as number;
  return lower + (position - below) * ((sorted[above] as number) - lower);
}
