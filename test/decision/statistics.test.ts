import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/dataset/sample.js';
import {
  exactMcNemar,
  mcNemarChiSquare,
  type PairCounts,
  pairCounts,
  pairedBootstrap,
  pairedDiffInterval,
} from '../../src/decision/statistics.js';
import { binomialHalfCdf, erfc, logBinomialPmf } from '../../src/decision/statistics-special.js';
import { quantileOfSorted, zForConfidence } from '../../src/scoring/intervals.js';

/** Per-case outcome arrays that tally to the given table. */
function outcomesFrom({ n11, n10, n01, n00 }: PairCounts): { baseline: Uint8Array; candidate: Uint8Array } {
  const baseline: number[] = [];
  const candidate: number[] = [];
  const push = (count: number, b: number, c: number) => {
    for (let i = 0; i < count; i++) {
      baseline.push(b);
      candidate.push(c);
    }
  };
  push(n11, 1, 1);
  push(n10, 1, 0);
  push(n01, 0, 1);
  push(n00, 0, 0);
  return { baseline: Uint8Array.from(baseline), candidate: Uint8Array.from(candidate) };
}

describe('erfc', () => {
  // Reference values from mpmath at 30 digits.
  it.each([
    [0.1, 0.887537083981715],
    [0.46875, 0.507386526782062],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047266],
    [3.5, 7.430983723414127e-7],
    [4, 1.541725790028002e-8],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
    [-1, 1.842700792949715],
    [-3, 1.9999779095030015],
  ])('erfc(%d) to a relative 1e-13', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
  });

  it('is 1 at 0 and 0 past the underflow point', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });
});

describe('binomial helpers', () => {
  it('log pmf matches direct computation for small n', () => {
    // C(10, 3) / 2^10 = 120 / 1024
    expect(Math.exp(logBinomialPmf(3, 10, 0.5))).toBeCloseTo(120 / 1024, 15);
    // C(30, 17) 0.3^17 0.7^13 = 119759850 · 0.3^17 · 0.7^13
    expect(logBinomialPmf(17, 30, 0.3)).toBeCloseTo(Math.log(119759850 * 0.3 ** 17 * 0.7 ** 13), 12);
  });

  it('cdf covers the edges and is symmetric', () => {
    expect(binomialHalfCdf(-1, 5)).toBe(0);
    expect(binomialHalfCdf(5, 5)).toBe(1);
    expect(binomialHalfCdf(0, 5)).toBeCloseTo(1 / 32, 15);
    // P(X ≤ 2) + P(X ≤ 2) = 1 for n = 5 because P(X ≤ 2) = P(X ≥ 3)
    expect(binomialHalfCdf(2, 5)).toBeCloseTo(0.5, 15);
    expect(binomialHalfCdf(3, 6) + binomialHalfCdf(2, 6)).toBeCloseTo(1, 15);
  });
});

describe('exactMcNemar', () => {
  it.each([
    [7, 1, 0.0703125], // 2 · (1 + 8) / 2^8
    [10, 2, 0.03857421875], // 2 · (1 + 12 + 66) / 2^12
    [5, 0, 0.0625], // 2 / 2^5
    [6, 16, 0.052478790283203125], // Cavo et al. (2012) in Fagerland, Lydersen & Laake: P = 0.052479
  ])('b=%i c=%i', (b, c, expected) => {
    expect(exactMcNemar(b, c).p_value).toBeCloseTo(expected, 14);
  });

  it('matches the 4-digit reference for (15, 7)', () => {
    expect(Number(exactMcNemar(15, 7).p_value.toFixed(4))).toBe(0.1338);
  });

  it('is symmetric in b and c and reports the counts', () => {
    expect(exactMcNemar(1, 7)).toEqual({ p_value: exactMcNemar(7, 1).p_value, b: 1, c: 7 });
    expect(exactMcNemar(9, 30).p_value).toBe(exactMcNemar(30, 9).p_value);
  });

  it('gives no evidence without discordant pairs or with balanced ones', () => {
    expect(exactMcNemar(0, 0).p_value).toBe(1);
    expect(exactMcNemar(12, 12).p_value).toBe(1);
  });

  it('stays exact for large counts', () => {
    // scipy: 2 * binom.cdf(1400, 2900, 0.5) = 0.06598734966518463
    const moderate = exactMcNemar(1500, 1400).p_value;
    expect(Math.abs(moderate - 0.06598734966518463) / 0.06598734966518463).toBeLessThan(1e-10);
    // scipy: 2 * binom.cdf(49000, 100000, 0.5) = 2.5887160383468943e-10
    const tiny = exactMcNemar(51000, 49000).p_value;
    expect(Math.abs(tiny - 2.5887160383468943e-10) / 2.5887160383468943e-10).toBeLessThan(1e-9);
  });

  it('rejects counts that are not whole', () => {
    expect(() => exactMcNemar(1.5, 2)).toThrow(RangeError);
    expect(() => exactMcNemar(-1, 2)).toThrow(RangeError);
  });
});

describe('mcNemarChiSquare', () => {
  it('(150, 86): (64 − 1)² / 236 = 16.818, p = 4.115e-5', () => {
    const { statistic, p_value } = mcNemarChiSquare(150, 86);
    expect(statistic).toBeCloseTo(16.818, 3);
    expect(Number(p_value.toPrecision(4))).toBe(4.115e-5);
  });

  it('matches Fagerland et al. for (6, 16) with and without the correction', () => {
    expect(Number(mcNemarChiSquare(6, 16).p_value.toFixed(6))).toBe(0.055009);
    expect(Number(mcNemarChiSquare(6, 16, false).p_value.toFixed(6))).toBe(0.033006);
    expect(mcNemarChiSquare(6, 16, false).statistic).toBeCloseTo(100 / 22, 12);
  });

  it('is 0 with p = 1 without discordance, and the correction never goes negative', () => {
    expect(mcNemarChiSquare(0, 0)).toEqual({ statistic: 0, p_value: 1 });
    expect(mcNemarChiSquare(4, 4)).toEqual({ statistic: 0, p_value: 1 });
  });
});

describe('pairCounts', () => {
  it('tallies booleans and 0/1 alike', () => {
    expect(pairCounts([true, true, false, false, 1], [true, false, true, false, 0])).toEqual({
      n11: 1,
      n10: 2,
      n01: 1,
      n00: 1,
    });
  });

  it('rejects mismatched lengths and partial credit', () => {
    expect(() => pairCounts([1, 0], [1])).toThrow(RangeError);
    expect(() => pairCounts([0.5], [1])).toThrow(/outcome 0/);
  });
});

describe('pairedDiffInterval (Newcombe method 10)', () => {
  it('reproduces the published Cavo et al. (2012) interval', () => {
    // Fagerland, Lydersen & Laake, "Statistical Analysis of Contingency Tables", ch. 8: table [[59, 6], [16, 80]],
    // Newcombe square-and-add estimate −0.0621 (95% CI −0.1186 to −0.0046) for first − second. With the first
    // measurement as baseline our diff is second − first, so the signs flip.
    const interval = pairedDiffInterval({ n11: 59, n10: 6, n01: 16, n00: 80 });
    expect(interval.method).toBe('newcombe');
    expect(interval.diff).toBeCloseTo(10 / 161, 12);
    expect(interval.low).toBeCloseTo(0.0046, 4);
    expect(interval.high).toBeCloseTo(0.1186, 4);
  });

  it('uses the corrected φ on the small Newcombe-style table (12, 9, 2, 4)', () => {
    // φ = (12·4 − 9·2 − 27/2) / √(14·13·21·6) = 16.5 / 151.43; Wilson bounds of 14/27 and 21/27 feed the square-and-add.
    const interval = pairedDiffInterval({ n11: 12, n10: 9, n01: 2, n00: 4 });
    expect(interval.diff).toBeCloseTo(-7 / 27, 12);
    expect(interval.low).toBeCloseTo(-0.46147, 5);
    expect(interval.high).toBeCloseTo(-0.019224, 5);
  });

  it('is the mirror image when the variants swap roles', () => {
    const forward = pairedDiffInterval({ n11: 40, n10: 3, n01: 11, n00: 6 });
    const swapped = pairedDiffInterval({ n11: 40, n10: 11, n01: 3, n00: 6 });
    expect(swapped.diff).toBeCloseTo(-forward.diff, 15);
    expect(swapped.low).toBeCloseTo(-forward.high, 15);
    expect(swapped.high).toBeCloseTo(-forward.low, 15);
  });

  it('approaches the Wald interval for large n', () => {
    const counts = { n11: 7000, n10: 500, n01: 450, n00: 2050 };
    const n = 10_000;
    const diff = (450 - 500) / n;
    const halfWidth = zForConfidence(0.95) * Math.sqrt((500 + 450) / n ** 2 - diff ** 2 / n);
    const interval = pairedDiffInterval(counts);
    expect(Math.abs(interval.low - (diff - halfWidth))).toBeLessThan(1e-3);
    expect(Math.abs(interval.high - (diff + halfWidth))).toBeLessThan(1e-3);
  });

  it('stays inside [−1, 1] at the extremes and says nothing without data', () => {
    const allFlipped = pairedDiffInterval({ n11: 0, n10: 0, n01: 5, n00: 0 });
    expect(allFlipped.diff).toBe(1);
    expect(allFlipped.high).toBe(1);
    expect(allFlipped.low).toBeGreaterThan(0);
    expect(pairedDiffInterval({ n11: 0, n10: 0, n01: 0, n00: 0 })).toEqual({
      diff: 0,
      low: -1,
      high: 1,
      method: 'newcombe',
    });
  });

  it('narrows as confidence drops', () => {
    const counts = { n11: 50, n10: 8, n01: 15, n00: 27 };
    const wide = pairedDiffInterval(counts, 0.99);
    const narrow = pairedDiffInterval(counts, 0.8);
    expect(wide.low).toBeLessThan(narrow.low);
    expect(wide.high).toBeGreaterThan(narrow.high);
  });
});

describe('pairedBootstrap', () => {
  const moderate = { n11: 300, n10: 30, n01: 45, n00: 25 };

  it('agrees with the Newcombe interval on a moderate sample', () => {
    const bootstrap = pairedBootstrap(outcomesFrom(moderate));
    const newcombe = pairedDiffInterval(moderate);
    expect(bootstrap.method).toBe('bootstrap');
    expect(bootstrap.diff).toBeCloseTo(15 / 400, 15);
    expect(Math.abs(bootstrap.low - newcombe.low)).toBeLessThan(0.01);
    expect(Math.abs(bootstrap.high - newcombe.high)).toBeLessThan(0.01);
  });

  it('is deterministic for a seed and varies with it', () => {
    const outcomes = outcomesFrom(moderate);
    expect(pairedBootstrap(outcomes, { seed: 7 })).toEqual(pairedBootstrap(outcomes, { seed: 7 }));
    expect(pairedBootstrap(outcomes, { seed: 7 }).low).not.toBe(pairedBootstrap(outcomes, { seed: 8 }).low);
  });

  it('draws exactly the resamples of mulberry32(seed), so intervals never change with its speed', () => {
    const outcomes = outcomesFrom(moderate);
    const n = outcomes.baseline.length;
    const random = mulberry32(11);
    const resampled = new Float64Array(500);
    for (let iteration = 0; iteration < resampled.length; iteration++) {
      let sum = 0;
      for (let draw = 0; draw < n; draw++) {
        const index = Math.floor(random() * n);
        sum += (outcomes.candidate[index] ?? 0) - (outcomes.baseline[index] ?? 0);
      }
      resampled[iteration] = sum / n;
    }
    resampled.sort();
    const interval = pairedBootstrap(outcomes, { seed: 11, iterations: 500, confidence: 0.9 });
    const tail = (1 - 0.9) / 2;
    expect(interval.low).toBe(quantileOfSorted(resampled, tail));
    expect(interval.high).toBe(quantileOfSorted(resampled, 1 - tail));
  });

  it('handles 10,000 cases × 2,000 resamples', () => {
    const outcomes = outcomesFrom({ n11: 7000, n10: 500, n01: 450, n00: 2050 });
    const interval = pairedBootstrap(outcomes, { iterations: 2000 });
    expect(interval.low).toBeLessThan(-0.005);
    expect(interval.high).toBeGreaterThan(-0.005);
  });

  it('collapses to a point when the variants never disagree, and rejects bad input', () => {
    const same = outcomesFrom({ n11: 20, n10: 0, n01: 0, n00: 5 });
    expect(pairedBootstrap(same)).toEqual({ diff: 0, low: 0, high: 0, method: 'bootstrap' });
    expect(pairedBootstrap({ baseline: new Uint8Array(0), candidate: new Uint8Array(0) })).toMatchObject({
      low: -1,
      high: 1,
    });
    expect(() => pairedBootstrap({ baseline: new Uint8Array(2), candidate: new Uint8Array(3) })).toThrow(RangeError);
    expect(() => pairedBootstrap(same, { iterations: 0 })).toThrow(RangeError);
  });
});
