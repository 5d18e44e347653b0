import { describe, expect, it } from 'vitest';
import { inverseNormalCdf, wilson, zForConfidence } from '../../src/scoring/intervals.js';

const rounded = ([low, high]: [number, number]) => [Number(low.toFixed(6)), Number(high.toFixed(6))];

describe('wilson', () => {
  it.each([
    [81, 263, [0.255289, 0.36621]],
    [8, 10, [0.490162, 0.943318]],
    [0, 10, [0, 0.277533]],
    [10, 10, [0.722467, 1]],
  ])('%i/%i at 95%% confidence', (successes, n, expected) => {
    expect(rounded(wilson(successes, n))).toEqual(expected);
  });

  it('says nothing without data', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('widens with confidence', () => {
    const [low90, high90] = wilson(8, 10, 0.9);
    const [low99, high99] = wilson(8, 10, 0.99);
    // z = 1.644854: center 0.935277, spread 0.248170, scale 1.270554
    expect(rounded([low90, high90])).toEqual([0.540793, 0.931442]);
    expect(low99).toBeLessThan(0.490162);
    expect(high99).toBeGreaterThan(0.943318);
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError);
    expect(() => wilson(-1, 10)).toThrow(RangeError);
    expect(() => wilson(1.5, 10)).toThrow(RangeError);
    expect(() => wilson(1, 10, 1)).toThrow(RangeError);
  });
});

describe('inverseNormalCdf', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489],
    [0.95, 1.6448536269514722],
    [0.001, -3.090232306167813],
    [0.9999, 3.7190164854556804],
  ])('Φ⁻¹(%f) = %f', (p, z) => {
    expect(inverseNormalCdf(p)).toBeCloseTo(z, 8);
  });

  it('gives the usual critical values', () => {
    expect(zForConfidence(0.95)).toBe(1.959963984540054);
    expect(zForConfidence(0.9)).toBeCloseTo(1.6448536269514722, 8);
  });
});
