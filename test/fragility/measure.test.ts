import { describe, expect, it } from 'vitest';
import { compareFragility } from '../../src/fragility/compare.js';
import { type FragilityObservation, measureFragility } from '../../src/fragility/measure.js';
import type { MeasuredFamily } from '../../src/suite/fragility-families.js';
import { syntheticWorld } from './synthetic-world.js';

const options = { confidence: 0.95, seed: 1 };

/** One call: `flip` says whether the answer moved away from the base answer. */
function call(caseId: string, family: MeasuredFamily, flip: boolean, baseCorrect = true, error = false) {
  const baseAnswer = baseCorrect ? 'right' : 'wrong';
  const observation: FragilityObservation = {
    caseId,
    family,
    answer: flip ? 'moved' : baseAnswer,
    correct: flip ? false : baseCorrect,
    baseAnswer,
    baseCorrect,
  };
  return error ? { ...observation, error: true } : observation;
}

describe('measureFragility', () => {
  const observations = [
    call('a', 'typos', true),
    call('a', 'typos', false),
    call('a', 'case', false),
    call('b', 'typos', false, false),
    call('b', 'case', false, false),
    call('b', 'instruction', true, false),
    call('b', 'repeat', true, false),
    call('c', 'typos', true, true, true),
  ];
  const stats = measureFragility(observations, options);

  it('counts flips against the variant’s own answer, pooled over the perturbation families', () => {
    expect(stats).toMatchObject({ n_cases: 2, n_calls: 7, n_errors: 1 });
    // 2 flips in 6 perturbation calls; the repeat call counts in by_perturbation only.
    expect(stats.flip_rate).toBeCloseTo(2 / 6);
    expect(stats.consistency).toBeCloseTo(4 / 6);
    expect(stats.consistency_ci[0]).toBeCloseTo(1 - stats.flip_rate_ci[1]);
    expect(stats.accuracy_unperturbed).toBe(0.5);
    expect(stats.accuracy_perturbed).toBeCloseTo(2 / 6);
    expect(stats.by_perturbation.typos).toMatchObject({ n: 3, n_cases: 2, accuracy: 1 / 3 });
    expect(stats.by_perturbation.typos?.flip_rate).toBeCloseTo(1 / 3);
    expect(stats.by_perturbation.repeat).toMatchObject({ n: 1, flip_rate: 1 });
    expect(stats.worst_family).toEqual({ name: 'instruction', accuracy: 0 });
    for (const interval of [stats.flip_rate_ci, stats.consistency_ci, stats.accuracy_perturbed_ci]) {
      expect(interval[0]).toBeGreaterThanOrEqual(0);
      expect(interval[1]).toBeLessThanOrEqual(1);
    }
    expect(stats.flip_rate_ci[0]).toBeLessThanOrEqual(stats.flip_rate);
    expect(stats.flip_rate_ci[1]).toBeGreaterThanOrEqual(stats.flip_rate);
  });

  it('gives a real interval when nothing flipped, and says nothing without calls', () => {
    const steady = measureFragility(
      Array.from({ length: 30 }, (_, i) => call(`c${i}`, 'typos', false)),
      options,
    );
    expect(steady.flip_rate).toBe(0);
    expect(steady.flip_rate_ci[0]).toBe(0);
    expect(steady.flip_rate_ci[1]).toBeGreaterThan(0.05);
    const none = measureFragility([call('x', 'typos', true, true, true)], options);
    expect(none).toMatchObject({ n_cases: 0, n_calls: 0, n_errors: 1, flip_rate_ci: [0, 1], worst_family: null });
  });
});

describe('compareFragility', () => {
  const truth = { typos: 0.15, instruction: 0.1 };
  const fragile = syntheticWorld({ seed: 5, cases: 100, perCase: 3, truth });
  const steady = syntheticWorld({ seed: 6, cases: 100, perCase: 3, truth: { typos: 0.01, instruction: 0.01 } });

  it('pairs by case and finds a steadier candidate steadier', () => {
    const comparison = compareFragility(fragile, steady, options);
    expect(comparison.n_cases).toBe(100);
    expect(comparison.difference).toBeCloseTo(comparison.candidate_flip_rate - comparison.baseline_flip_rate);
    expect(comparison.difference_ci[1]).toBeLessThan(0);
    expect(comparison.difference_ci[0]).toBeLessThanOrEqual(comparison.difference);
    expect(compareFragility(fragile, steady, options)).toEqual(comparison);
  });

  it('uses only the cases both variants were measured on', () => {
    const half = fragile.filter((observation) => Number(observation.caseId.slice(5)) < 50);
    const comparison = compareFragility(half, fragile, options);
    expect(comparison.n_cases).toBe(50);
    expect(comparison.difference).toBe(0);
    expect(comparison.difference_ci[0]).toBeLessThanOrEqual(0);
    expect(comparison.difference_ci[1]).toBeGreaterThanOrEqual(0);
    expect(compareFragility(fragile, [], options)).toMatchObject({ n_cases: 0, difference_ci: [-1, 1] });
  });
});
