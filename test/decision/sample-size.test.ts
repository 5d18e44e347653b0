import { describe, expect, it } from 'vitest';
import { additionalPairsNeeded, requiredPairs } from '../../src/decision/sample-size.js';

// Throughout: z₀.₉₇₅ = 1.959964 and z₀.₈ = 0.841621, so (z₁₋α + z₁₋β)² = 2.801585² = 7.848880.
describe('requiredPairs', () => {
  it('equal accuracy, 20% discordance, margin 0.05', () => {
    // ψ = 0.2, d = 0: n = 7.848880 · (0.2 − 0) / 0.05² = 627.91 → 628
    expect(requiredPairs({ p10: 0.1, p01: 0.1, margin: 0.05 })).toBe(628);
  });

  it('a candidate that is truly better needs fewer pairs', () => {
    // ψ = 0.15, d = 0.05: n = 7.848880 · (0.15 − 0.0025) / (0.05 + 0.02)² = 1.157710 / 0.0049 = 236.27 → 237
    expect(requiredPairs({ p10: 0.05, p01: 0.1, margin: 0.02 })).toBe(237);
  });

  it('uses the given power: 90% power at the first example needs 840.59 → 841', () => {
    // z₀.₉ = 1.281552: (1.959964 + 1.281552)² · 0.2 / 0.0025 = 10.507423 · 80 = 840.59
    expect(requiredPairs({ p10: 0.1, p01: 0.1, margin: 0.05, power: 0.9 })).toBe(841);
  });

  it('is impossible when the true loss reaches the margin', () => {
    expect(requiredPairs({ p10: 0.1, p01: 0.05, margin: 0.05 })).toBe(Number.POSITIVE_INFINITY);
    expect(requiredPairs({ p10: 0.2, p01: 0.05, margin: 0.05 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('falls as the margin widens and rises with power', () => {
    const byMargin = [0.03, 0.04, 0.05, 0.1].map((margin) => requiredPairs({ p10: 0.08, p01: 0.06, margin }));
    for (let i = 1; i < byMargin.length; i++) expect(byMargin[i]).toBeLessThan(byMargin[i - 1] as number);
    const byPower = [0.6, 0.8, 0.9, 0.95].map((power) => requiredPairs({ p10: 0.08, p01: 0.06, margin: 0.03, power }));
    for (let i = 1; i < byPower.length; i++) expect(byPower[i]).toBeGreaterThan(byPower[i - 1] as number);
  });

  it('rises as alpha shrinks', () => {
    const strict = requiredPairs({ p10: 0.1, p01: 0.1, margin: 0.05, alpha: 0.005 });
    expect(strict).toBeGreaterThan(628);
  });

  it('rejects impossible plans', () => {
    expect(() => requiredPairs({ p10: 0.7, p01: 0.6, margin: 0.05 })).toThrow(RangeError);
    expect(() => requiredPairs({ p10: 0.1, p01: 0.1, margin: -0.01 })).toThrow(RangeError);
    expect(() => requiredPairs({ p10: 0.1, p01: 0.1, margin: 0.05, alpha: 0.6 })).toThrow(RangeError);
    expect(() => requiredPairs({ p10: 0.1, p01: 0.1, margin: 0.05, power: 1 })).toThrow(RangeError);
  });
});

describe('additionalPairsNeeded', () => {
  it('plans from the observed discordance and subtracts what is already there', () => {
    // p10 = p01 = 20 / 200 = 0.1 → 628 needed, 200 observed
    expect(additionalPairsNeeded({ n11: 150, n10: 20, n01: 20, n00: 10 }, { margin: 0.05 })).toBe(428);
    expect(additionalPairsNeeded({ n11: 750, n10: 100, n01: 100, n00: 50 }, { margin: 0.05 })).toBe(0);
  });

  it('gives empty discordant cells half a pair so it never plans with zero variance', () => {
    // p10 = p01 = 0.5 / 101, ψ = 1/101: 7.848880 / 101 / 0.01² = 777.12 → 778, minus 100 observed
    expect(additionalPairsNeeded({ n11: 90, n10: 0, n01: 0, n00: 10 }, { margin: 0.01 })).toBe(678);
  });

  it('without any data plans for p10 = p01 = ½', () => {
    // 7.848880 · 1 / 0.05² = 3139.55 → 3140
    expect(additionalPairsNeeded({ n11: 0, n10: 0, n01: 0, n00: 0 }, { margin: 0.05 })).toBe(3140);
  });

  it('plans to show the loss when the observed loss is beyond the margin', () => {
    // n = 30, p10 = 0.2, p01 = 1/15, d = −2/15, d + δ = −0.0833…, ψ − d² = 0.26667 − 0.01778 = 0.24889;
    // (1.959964 + 0.841621)² × 0.24889 / 0.0069444 = 281.3 → 282 pairs, 252 more than the 30 seen.
    expect(additionalPairsNeeded({ n11: 20, n10: 6, n01: 2, n00: 2 }, { margin: 0.05 })).toBe(252);
    expect(requiredPairs({ p10: 0.2, p01: 1 / 15, margin: 0.05, direction: 'non-inferior' })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('is infinite when the observed difference sits exactly on the margin', () => {
    expect(additionalPairsNeeded({ n11: 80, n10: 6, n01: 2, n00: 12 }, { margin: 0.04 })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
