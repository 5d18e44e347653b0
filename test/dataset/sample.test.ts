import { describe, expect, it } from 'vitest';
import { mulberry32, sampleIndices } from '../../src/dataset/sample.js';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const take = (seed: number) => {
      const next = mulberry32(seed);
      return Array.from({ length: 5 }, () => next());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    for (const value of take(3)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('sampleIndices', () => {
  it('returns `size` distinct indices in ascending order', () => {
    const picked = sampleIndices(1000, 50, 9);
    expect(picked).toHaveLength(50);
    expect(new Set(picked).size).toBe(50);
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    expect(Math.min(...picked)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...picked)).toBeLessThan(1000);
  });

  it('is deterministic per seed', () => {
    expect(sampleIndices(500, 20, 42)).toEqual(sampleIndices(500, 20, 42));
    expect(sampleIndices(500, 20, 42)).not.toEqual(sampleIndices(500, 20, 43));
  });

  it('keeps every index when size >= total', () => {
    expect(sampleIndices(4, 4, 1)).toEqual([0, 1, 2, 3]);
    expect(sampleIndices(3, 10, 1)).toEqual([0, 1, 2]);
    expect(sampleIndices(0, 5, 1)).toEqual([]);
  });

  it('picks every row about equally often across seeds (no bias toward the start or end)', () => {
    const total = 10;
    const counts = new Array<number>(total).fill(0);
    const trials = 20000;
    for (let seed = 0; seed < trials; seed++) {
      for (const index of sampleIndices(total, 3, seed)) counts[index] = (counts[index] ?? 0) + 1;
    }
    const expected = (trials * 3) / total;
    for (const count of counts) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });
});
