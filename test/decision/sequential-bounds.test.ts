import { describe, expect, it } from 'vitest';
import { efficacyBounds, lookSizes, obrienFlemingSpent, upperQuantile } from '../../src/decision/sequential-bounds.js';

// Published Lan–DeMets O'Brien–Fleming type bounds, one-sided α = 0.025, equally spaced looks:
// Jennison & Turnbull (2000), Group Sequential Methods with Applications to Clinical Trials, §7.2;
// the same figures as R gsDesign::gsDesign(k, test.type = 1, alpha = 0.025, sfu = sfLDOF)$upper$bound.
describe('efficacyBounds (Lan–DeMets O’Brien–Fleming, Armitage–McPherson–Rowe recursion)', () => {
  it('K = 5: 4.877, 3.357, 2.680, 2.290, 2.031', () => {
    const bounds = efficacyBounds([0.2, 0.4, 0.6, 0.8, 1], 0.025);
    [4.8769, 3.3569, 2.6803, 2.2898, 2.031].forEach((published, k) => {
      expect(bounds[k]).toBeCloseTo(published, 3);
    });
  });

  it('K = 3: 3.710, 2.511, 1.993', () => {
    const bounds = efficacyBounds([1 / 3, 2 / 3, 1], 0.025);
    expect(bounds.map((b) => Number(b.toFixed(3)))).toEqual([3.71, 2.511, 1.993]);
  });

  it('K = 2: the first bound has the closed form Φ̄⁻¹(α(½)); the second 1.9686', () => {
    const bounds = efficacyBounds([0.5, 1], 0.025);
    expect(bounds[0]).toBeCloseTo(upperQuantile(obrienFlemingSpent(0.5, 0.025)), 6);
    expect(bounds[0]).toBeCloseTo(2.9626, 3);
    expect(bounds[1]).toBeCloseTo(1.9686, 3);
  });

  it('one look spends everything: the fixed-sample bound', () => {
    expect(efficacyBounds([1], 0.025)[0]).toBeCloseTo(1.959964, 5);
  });

  it('spending: α(1) = α, α rises with t, and almost nothing is spent early', () => {
    expect(obrienFlemingSpent(1, 0.025)).toBe(0.025);
    // α(0.2) = 2Φ̄(2.2414 / √0.2) = 2Φ̄(5.012) = 5.389e-7
    expect(obrienFlemingSpent(0.2, 0.025)).toBeCloseTo(5.389e-7, 9);
    expect(obrienFlemingSpent(0.5, 0.025)).toBeLessThan(obrienFlemingSpent(0.8, 0.025));
  });

  it('refuses falling fractions', () => {
    expect(() => efficacyBounds([0.5, 0.4, 1], 0.025)).toThrow(/rise/);
  });
});

describe('lookSizes', () => {
  it('n_k = ceil(k·N/K), never repeating a size', () => {
    expect(lookSizes(100, 5)).toEqual([20, 40, 60, 80, 100]);
    expect(lookSizes(7, 5)).toEqual([2, 3, 5, 6, 7]);
    expect(lookSizes(3, 5)).toEqual([1, 2, 3]);
  });
});
