import { describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/verdict.js';
import type { FragilityComparison } from '../../src/fragility/compare.js';
import type { FragilityStats } from '../../src/fragility/measure.js';
import { evidence, input, option, outcomes, pair, policy } from './verdict-fixtures.js';

/** A variant's measured fragility: the pooled flip rate and its interval are what the verdict reads. */
function stats(flipRate: number, ci: [number, number]): FragilityStats {
  return {
    n_cases: 100,
    n_calls: 800,
    n_errors: 0,
    consistency: 1 - flipRate,
    consistency_ci: [1 - ci[1], 1 - ci[0]],
    flip_rate: flipRate,
    flip_rate_ci: ci,
    accuracy_unperturbed: 0.9,
    accuracy_perturbed: 0.9 * (1 - flipRate),
    accuracy_perturbed_ci: [0.8, 0.88],
    worst_family: { name: 'typos', accuracy: 0.75 },
    by_perturbation: {},
  };
}

function comparison(baseline: number, candidate: number, ci: [number, number]): FragilityComparison {
  return {
    n_cases: 100,
    baseline_flip_rate: baseline,
    candidate_flip_rate: candidate,
    difference: candidate - baseline,
    difference_ci: ci,
  };
}

describe('fragility in the verdict', () => {
  it('a fragile prompted variant with no candidate: fine-tune, with the fragility reason and its numbers', () => {
    const o = outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 });
    // Cheap, fast, short prompt, accurate enough: fragility is its only pain.
    const prompted = evidence('prompted', 'prompted', o.baseline, { cost: 0.0001, promptTokens: 120 });
    const fragility = { variants: { prompted: stats(0.124, [0.101, 0.149]) }, comparisons: {} };
    const { verdict } = decide(
      input([prompted], { examples: { cases: 1000, seeds: 0 }, fine_tune_options: [option()], fragility }),
    );
    expect(verdict.decision).toBe('fine-tune');
    expect(verdict.reasons[0]).toBe(
      'prompted changes its answer on 12.4% [10.1, 14.9] of reworded inputs (limit 5.0%, decision.max_flip_rate): prompting is fragile.',
    ); // Said once, however many places look for the pains.
    expect(verdict.reasons.filter((reason) => reason.endsWith('prompting is fragile.'))).toHaveLength(1);
  });

  it('is no pain while the interval reaches down to the limit, and names the other variants beside it', () => {
    const o = outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 });
    const prompted = evidence('prompted', 'prompted', o.baseline, { cost: 0.0001, promptTokens: 120 });
    const unsure = { variants: { prompted: stats(0.07, [0.045, 0.1]) }, comparisons: {} };
    expect(decide(input([prompted], { fragility: unsure })).verdict.decision).toBe('keep-prompting');
    const stricter = decide(input([prompted], { fragility: unsure, policy: policy({ max_flip_rate: 0.04 }) }));
    expect(stricter.verdict.reasons[0]).toMatch(
      /^prompted changes its answer on 7\.0% \[4\.5, 10\.0\] of reworded inputs \(limit 4\.0%/,
    );
  });

  it('a less fragile, non-inferior, cheaper candidate: switch, mentioning that it is steadier', () => {
    const variants = pair({ n11: 900, n10: 12, n01: 10, n00: 78 });
    const fragility = {
      variants: { prompted: stats(0.124, [0.101, 0.149]), finetuned: stats(0.021, [0.012, 0.035]) },
      comparisons: { finetuned: comparison(0.124, 0.021, [-0.131, -0.076]) },
    };
    const { verdict, comparisons } = decide(input(variants, { fragility }));
    expect(verdict.decision).toBe('switch');
    expect(verdict.reasons[1]).toBe(
      'It is steadier: finetuned changes its answer on 2.1% of perturbed inputs, prompted on 12.4% (−10.3 points, CI −13.1 points to −7.6 points, 100 paired cases).',
    );
    expect(comparisons.finetuned?.fragility).toEqual(fragility.comparisons.finetuned);
  });

  it('a candidate more fragile beyond the margin: keep prompting, with fragility as the reason', () => {
    const variants = pair({ n11: 900, n10: 12, n01: 10, n00: 78 });
    const fragility = {
      variants: { prompted: stats(0.02, [0.01, 0.03]), finetuned: stats(0.14, [0.11, 0.17]) },
      comparisons: { finetuned: comparison(0.02, 0.14, [0.09, 0.15]) },
    };
    const { verdict } = decide(input(variants, { fragility }));
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toMatch(
      /^finetuned is more fragile than prompted beyond the \+5\.0 points margin \(decision\.max_flip_rate\): finetuned changes its answer on 14\.0%/,
    );
  });

  it('a difference within the margin changes nothing', () => {
    const variants = pair({ n11: 900, n10: 12, n01: 10, n00: 78 });
    const without = decide(input(variants));
    const fragility = {
      variants: { prompted: stats(0.03, [0.02, 0.04]), finetuned: stats(0.05, [0.04, 0.06]) },
      comparisons: { finetuned: comparison(0.03, 0.05, [0.005, 0.035]) },
    };
    const within = decide(input(variants, { fragility }));
    expect(within.verdict.decision).toBe('switch');
    expect(within.verdict.reasons).toEqual(without.verdict.reasons);
  });
});
