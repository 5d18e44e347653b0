/**
 * Special functions behind the tests in statistics.ts, written for accuracy rather than brevity:
 * p-values decide whether a model gets replaced, so a rounding error must not turn into a verdict.
 */

function horner(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
}

// W. J. Cody (1969), "Rational Chebyshev approximations for the error function", Math. Comp. 23,
// as in his CALERF routine; coefficients are listed highest power first. Relative error ≈ 1e-16.
const ERF_NEAR_ZERO_NUMERATOR = [
  0.18577770618460315, 3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694,
];
const ERF_NEAR_ZERO_DENOMINATOR = [1, 23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_MIDDLE_NUMERATOR = [
  2.1531153547440383e-8, 0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972,
];
const ERFC_MIDDLE_DENOMINATOR = [
  1, 15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERFC_TAIL_NUMERATOR = [
  0.016315387137302097, 0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378,
];
const ERFC_TAIL_DENOMINATOR = [
  1, 2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const INVERSE_SQRT_PI = 0.5641895835477563;
const ERFC_UNDERFLOW = 26.543;

/** exp(−y²) without the rounding that squaring y first would add (Cody's split of y into y16 + rest). */
function expMinusSquare(y: number): number {
  const y16 = Math.trunc(y * 16) / 16;
  return Math.exp(-y16 * y16) * Math.exp(-(y - y16) * (y + y16));
}

/** The complementary error function, accurate in relative terms far into the tail (where 1 − erf cannot be). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const t = y * y;
    return 1 - (x * horner(ERF_NEAR_ZERO_NUMERATOR, t)) / horner(ERF_NEAR_ZERO_DENOMINATOR, t);
  }
  let positive: number;
  if (y <= 4) {
    positive = (horner(ERFC_MIDDLE_NUMERATOR, y) / horner(ERFC_MIDDLE_DENOMINATOR, y)) * expMinusSquare(y);
  } else if (y >= ERFC_UNDERFLOW) {
    positive = 0;
  } else {
    const t = 1 / (y * y);
    const correction = (t * horner(ERFC_TAIL_NUMERATOR, t)) / horner(ERFC_TAIL_DENOMINATOR, t);
    positive = ((INVERSE_SQRT_PI - correction) / y) * expMinusSquare(y);
  }
  return x < 0 ? 2 - positive : positive;
}

/** P(X ≥ x) for X ~ χ² with one degree of freedom: the square of a standard normal, so erfc(√(x/2)). */
export function chiSquareOneDfSurvival(x: number): number {
  if (!(x >= 0)) throw new RangeError(`chi-square statistic must be ≥ 0, got ${x}`);
  return erfc(Math.sqrt(x / 2));
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log(n!) − log(√(2π n)(n/e)ⁿ): Stirling's error, exact for small n and a converged series beyond. */
function stirlingError(n: number): number {
  if (n <= 15) {
    let factorial = 1;
    for (let i = 2; i <= n; i++) factorial *= i; // 15! < 2^53, so the product is exact.
    return Math.log(factorial) - (n + 0.5) * Math.log(n) + n - HALF_LOG_TWO_PI;
  }
  const nn = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n;
}

/** x·log(x/m) + m − x, summed as a series when x ≈ m so the near-cancellation costs no digits (Loader 2000). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * log P(X = k) for X ~ Bin(n, p) by Loader's saddle-point form, which keeps full relative precision for
 * any n — unlike log-gamma differences, which lose digits to cancellation when n is large.
 */
export function logBinomialPmf(k: number, n: number, p: number): number {
  if (k === 0) return n * Math.log1p(-p);
  if (k === n) return n * Math.log(p);
  const q = 1 - p;
  const logCore =
    stirlingError(n) - stirlingError(k) - stirlingError(n - k) - deviance(k, n * p) - deviance(n - k, n * q);
  return logCore - 0.5 * (Math.log(2 * Math.PI) + Math.log(k) + Math.log1p(-k / n));
}

/**
 * P(X ≤ k) for X ~ Bin(n, ½). Below the mode the terms shrink geometrically from P(X = k) downwards,
 * so they are summed relative to that largest term and scaled back in log space: no underflow, no
 * overflow, and the loop stops once the remaining terms cannot change the sum.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (2 * k >= n) return 1 - binomialHalfCdf(n - k - 1, n); // symmetry: P(X > k) = P(X ≤ n − k − 1)
  let term = 1;
  let relativeSum = 1;
  for (let i = k; i > 0; i--) {
    term *= i / (n - i + 1); // P(X = i − 1) / P(X = i) when p = ½
    relativeSum += term;
    if (term < relativeSum * 1e-17) break;
  }
  return Math.exp(logBinomialPmf(k, n, 0.5) + Math.log(relativeSum));
}
