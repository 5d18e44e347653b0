import { describe, expect, it } from 'vitest';
import type { VariantEvidence } from '../../src/decision/types.js';
import { decide } from '../../src/decision/verdict.js';
import type { DecisionSpec } from '../../src/suite/types.js';
import { evidence, input, option, outcomes, pair, policy } from './verdict-fixtures.js';

describe('decide', () => {
  it('switches when the candidate is non-inferior, passes its thresholds and pays back', () => {
    const { verdict, comparisons, economics } = decide(input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 })));
    expect(verdict.decision).toBe('switch');
    expect(comparisons.finetuned?.non_inferior).toBe(true);
    expect(economics.monthly_savings_usd).toBeCloseTo(1900, 6);
    expect(economics.payback_months).toBeCloseTo(100 / 1900, 9);
    expect(verdict.reasons[0]).toMatch(/finetuned is at most 2\.0 points less accurate than prompted: −0\.2 points/);
    expect(verdict.reasons.join(' ')).toMatch(/saves \$1,900 a month at 1,000,000 requests/);
    expect(verdict.confidence).toBeGreaterThan(0.975);
    expect(verdict.fails).toBe(false);
  });

  it('keeps prompting when the candidate is worse beyond the margin, whatever it saves', () => {
    const { verdict, comparisons } = decide(input(pair({ n11: 850, n10: 80, n01: 10, n00: 60 })));
    expect(comparisons.finetuned?.worse_beyond_margin).toBe(true);
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toMatch(
      /less accurate than prompted beyond the allowed loss: −7\.0 points .* entirely below −2\.0 points/,
    );
    expect(verdict.reasons[1]).toMatch(/80 cases went right → wrong and 10 wrong → right \(exact McNemar p = /);
  });

  it('keeps prompting when the candidate fails a threshold, and names it', () => {
    const { verdict } = decide(input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { failed: true })));
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toBe(
      'finetuned fails its accuracy threshold: it is 91.0%, the suite requires at least 95.0%.',
    );
  });

  it('keeps prompting when the candidate is not cheaper', () => {
    const dearer = decide(input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { cost: 0.003 })));
    expect(dearer.verdict.decision).toBe('keep-prompting');
    expect(dearer.verdict.reasons[0]).toMatch(/it is not cheaper/);
  });

  // A candidate that exists was already trained: that money is spent. Only retraining it on a
  // schedule is a cost of keeping it. Candidate 50× cheaper: $2,000 → $40 a month.
  const existing: {
    name: string;
    policy: Partial<DecisionSpec>;
    trainingPrice: number | null;
    decision: string;
    savings: number | null;
    retraining: number | null;
    reason: RegExp;
    absent?: RegExp;
  }[] = [
    {
      name: 'unknown training cost',
      policy: { training_cost_usd: 'auto' },
      trainingPrice: null,
      decision: 'switch',
      savings: 1960,
      retraining: 0,
      reason: /saves \$1,960 a month at 1,000,000 requests \(\$2,000 → \$40\.00\)/,
      absent: /training_cost_usd|pay back/,
    },
    {
      name: 'a given training cost far beyond the payback horizon',
      policy: { training_cost_usd: 500_000 },
      trainingPrice: 1.5,
      decision: 'switch',
      savings: 1960,
      retraining: 0,
      reason: /Its training \(\$500,000\) is already spent and does not count/,
      absent: /pay back/,
    },
    {
      name: 'retraining every 6 months, amortised into its cost',
      policy: { training_cost_usd: 6000, retrain_every_months: 6 },
      trainingPrice: 1.5,
      decision: 'switch',
      savings: 960,
      retraining: 1000,
      reason: /Retraining it every 6 months adds \$1,000 a month \(training cost \$6,000\)/,
    },
    {
      name: 'retraining that eats the saving',
      policy: { training_cost_usd: 10_000, retrain_every_months: 2 },
      trainingPrice: 1.5,
      decision: 'keep-prompting',
      savings: -3040,
      retraining: 5000,
      reason: /does not pay: retraining it every 2 months adds \$5,000 a month, which eats its saving/,
    },
    {
      name: 'retraining at an unknown training cost',
      policy: { training_cost_usd: 'auto', retrain_every_months: 3 },
      trainingPrice: null,
      decision: 'keep-prompting',
      savings: null,
      retraining: null,
      reason: /the cost of retraining it every 3 months is unknown \(set decision\.training_cost_usd\)/,
    },
  ];
  it.each(existing)('judges an existing 50× cheaper candidate on what keeping it costs: $name', (c) => {
    const { verdict, economics } = decide(
      input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { cost: 0.00004 }), {
        policy: policy(c.policy),
        prices: { training_per_1m_usd: c.trainingPrice, fine_tune_per_request_usd: 0.00002 },
      }),
    );
    expect(verdict.decision).toBe(c.decision);
    if (c.savings === null) expect(economics.monthly_savings_usd).toBeNull();
    else expect(economics.monthly_savings_usd).toBeCloseTo(c.savings, 6);
    expect(economics.retraining_monthly_usd).toBe(c.retraining);
    const reasons = verdict.reasons.join(' ');
    expect(reasons).toMatch(c.reason);
    if (c.absent) expect(reasons).not.toMatch(c.absent);
  });

  // A non-inferior candidate whose saving cannot be priced: the economics are not judged, and the
  // reasons say which model to price and where, rather than quietly keeping the prompt.
  const unpriced: { name: string; candidate: number | null; baseline: number | null; named: string[] }[] = [
    {
      name: 'unknown candidate price',
      candidate: null,
      baseline: 0.002,
      named: ['finetuned (ft:gpt-4.1-nano:acme:x:1)'],
    },
    { name: 'unknown baseline price', candidate: 0.0001, baseline: null, named: ['prompted (gpt-4.1)'] },
    {
      name: 'both prices unknown',
      candidate: null,
      baseline: null,
      named: ['prompted (gpt-4.1) and finetuned (ft:gpt-4.1-nano:acme:x:1)'],
    },
  ];
  it.each(unpriced)('is inconclusive, naming the key to set: $name', (c) => {
    const { verdict, economics } = decide(
      input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { cost: c.candidate }, { cost: c.baseline })),
    );
    expect(economics.monthly_savings_usd).toBeNull();
    expect(verdict.decision).toBe('inconclusive');
    const reasons = verdict.reasons.join(' ');
    expect(reasons).toMatch(/economics could not be judged/);
    for (const name of c.named)
      expect(reasons).toContain(`${name} ${c.named[0]?.includes(' and ') ? 'have' : 'has'} no known price`);
    expect(reasons).toMatch(/set pricing: \{ "[^"]+": \{ input: …, output: … \}/);
    for (const model of ['gpt-4.1', 'ft:gpt-4.1-nano:acme:x:1']) {
      const priced = (model === 'gpt-4.1' ? c.baseline : c.candidate) !== null;
      expect(reasons.includes(`"${model}": {`)).toBe(!priced);
    }
    expect(reasons).not.toMatch(/cannot be priced/);
  });

  it('still switches to an unpriced candidate that alone meets the latency objective', () => {
    const { verdict } = decide(
      input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { cost: null, p95: 400 }, { p95: 2500 }), {
        thresholds: { latency_p95_ms: { max: 1000 } },
      }),
    );
    expect(verdict.decision).toBe('switch');
    expect(verdict.reasons.join(' ')).toContain('set pricing: { "ft:gpt-4.1-nano:acme:x:1"');
  });

  it('switches to a dearer candidate that alone meets the latency objective', () => {
    const { verdict, economics } = decide(
      input(pair({ n11: 900, n10: 12, n01: 10, n00: 78 }, { cost: 0.003, p95: 400 }, { p95: 2500 }), {
        thresholds: { latency_p95_ms: { max: 1000 } },
      }),
    );
    expect(economics.latency_objective_p95_ms).toBe(1000);
    expect(economics.latency_p95_change_ms).toBe(-2100);
    expect(verdict.decision).toBe('switch');
  });

  it('is inconclusive when the interval straddles the margin, and says how many cases would decide', () => {
    const { verdict, comparisons } = decide(input(pair({ n11: 80, n10: 8, n01: 7, n00: 5 })));
    expect(verdict.decision).toBe('inconclusive');
    const more = comparisons.finetuned?.additional_cases_needed ?? 0;
    expect(more).toBeGreaterThan(100);
    expect(verdict.reasons[1]).toBe(
      `About ${more.toLocaleString('en-US')} more cases (${(100 + more).toLocaleString('en-US')} in all) would decide it with 80% power.`,
    );
    expect(verdict.confidence).toBeNull();
  });

  it('lists the flipped cases by id', () => {
    const { comparisons } = decide(input(pair({ n11: 3, n10: 2, n01: 1, n00: 1 })));
    expect(comparisons.finetuned?.flipped).toEqual({
      right_to_wrong: ['case-3', 'case-4'],
      wrong_to_right: ['case-5'],
    });
  });

  it('recommends fine-tuning a prompted variant that shows the pains, with the projected saving', () => {
    const o = outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 });
    const prompted = evidence('prompted', 'prompted', o.baseline, {
      cost: 0.004,
      promptTokens: 2400,
      prefix: 2300,
      p95: 1800,
    });
    const { verdict } = decide(
      input([prompted], {
        policy: policy({ pain_monthly_cost_usd: 1000 }),
        thresholds: { latency_p95_ms: { max: 1000 }, accuracy: { min: 0.95 } },
        examples: { cases: 1000, seeds: 0 },
        fine_tune_options: [option()],
      }),
    );
    expect(verdict.decision).toBe('fine-tune');
    expect(verdict.candidate).toBeNull();
    expect(verdict.reasons).toEqual([
      'prompted would cost $4,000 a month at 1,000,000 requests (pain point $1,000).',
      'Its p95 latency is 1800 ms, over the 1000 ms objective.',
      'Its accuracy of 90.0% is below the 95.0% threshold: prompting has hit a ceiling.',
      'Its prompt is long: 2400 tokens per request, 2300 of them fixed instructions and examples a fine-tuned model would not need.',
      '1,000 labelled examples are enough to train on.',
      'A fine-tuned accounts/fireworks/models/llama-v3p1-8b-instruct on fireworks serving the same requests without the fixed prompt would save about $3,980 a month (prices: built-in ft table (as of 2026-11-20)).',
      'Its training ($100.00) pays back in 1 day, within the 6-month horizon (decision.payback_months).',
    ]);
    expect(verdict.projected_monthly_savings_usd).toBeCloseTo(3980, 6);
  });

  it('suggests distillation when there are seeds but few examples, and keeps prompting without either', () => {
    const o = outcomes({ n11: 0, n10: 45, n01: 0, n00: 5 });
    const prompted = evidence('prompted', 'prompted', o.baseline, { cost: 0.004, promptTokens: 2400, prefix: 2300 });
    const seeded = decide(input([prompted], { examples: { cases: 50, seeds: 12 } }));
    expect(seeded.verdict.decision).toBe('fine-tune');
    expect(seeded.verdict.reasons).toContain(
      '12 seed examples are enough to distil a training set from a teacher model.',
    );
    const bare = decide(input([prompted], { examples: { cases: 50, seeds: 3, holdout: true } }));
    expect(bare.verdict.decision).toBe('keep-prompting');
    expect(bare.verdict.reasons.at(-1)).toBe(
      'Fine-tuning would help, but there are only 50 examples and 3 seeds: collect 100 examples, or 10 seeds to distil from.',
    );
  });

  it('says to keep a train part (training.holdout) or add logs when the evaluated rows are all there is', () => {
    const o = outcomes({ n11: 0, n10: 45, n01: 0, n00: 5 });
    const prompted = evidence('prompted', 'prompted', o.baseline, { cost: 0.004, promptTokens: 2400, prefix: 2300 });
    const { verdict } = decide(input([prompted], { examples: { cases: 0, seeds: 3 } }));
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons.at(-1)).toBe(
      'Fine-tuning would help, but there are only 0 examples and 3 seeds: evaluated rows never train, so set ' +
        'training.holdout to keep part of the dataset for training (e.g. holdout: 0.2), or add logs ' +
        '(training.sources); or collect 100 examples, or 10 seeds to distil from.',
    );
  });

  it('keeps prompting when the prompted variant shows no pain', () => {
    const o = outcomes({ n11: 0, n10: 95, n01: 0, n00: 5 });
    const prompted = evidence('prompted', 'prompted', o.baseline, { cost: 0.0001, promptTokens: 120 });
    const { verdict } = decide(input([prompted]));
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toMatch(/shows none of the pains fine-tuning fixes: \$100\.00 a month/);
  });

  it('asks to retrain an accepted fine-tuned model that has lost accuracy since, and fails the run by default', () => {
    const variants = pair({ n11: 820, n10: 100, n01: 30, n00: 50 });
    const reference = { finetuned: { model: 'ft:gpt-4.1-nano:acme:x:1', correct: 930, n: 1000, passed: true } };
    const { verdict } = decide(input(variants, { reference }));
    expect(verdict.decision).toBe('retrain');
    expect(verdict.fails).toBe(true);
    expect(verdict.reasons[0]).toMatch(/has lost accuracy since it was accepted: 93\.0% → 85\.0%, −8\.0 points/);
    // A different model under the same name was never accepted: judged as a new candidate.
    const other = decide(input(variants, { reference: { finetuned: { ...reference.finetuned, model: 'ft:other' } } }));
    expect(other.verdict.decision).toBe('keep-prompting');
  });

  it('fails the run on the verdicts the policy names', () => {
    const variants = pair({ n11: 850, n10: 80, n01: 10, n00: 60 });
    expect(decide(input(variants)).verdict.fails).toBe(false);
    expect(decide(input(variants, { policy: policy({ fail_on: ['keep-prompting'] }) })).verdict.fails).toBe(true);
  });

  it('honours an explicit baseline and candidate', () => {
    const o = outcomes({ n11: 90, n10: 5, n01: 3, n00: 2 });
    const variants = [
      evidence('a', 'prompted', o.baseline),
      evidence('b', 'prompted', o.candidate),
      evidence('c', 'finetuned', o.candidate),
    ];
    const { verdict, comparisons } = decide(input(variants, { policy: policy({ baseline: 'b', candidate: 'a' }) }));
    expect(verdict.baseline).toBe('b');
    expect(verdict.candidate).toBe('a');
    expect(Object.keys(comparisons)).toEqual(['a', 'c']);
  });

  it('advises fine-tuning properly when the fine-tuned variant is not competitive but prompting hurts', () => {
    const variants = pair({ n11: 850, n10: 80, n01: 10, n00: 60 }, {}, { promptTokens: 2400, prefix: 2300 });
    const { verdict } = decide(input(variants, { policy: policy({ pain_monthly_cost_usd: 1000 }) }));
    expect(verdict.decision).toBe('fine-tune');
    expect(verdict.reasons[0]).toMatch(
      /^The current fine-tuned model is not competitive: finetuned is less accurate than prompted beyond the allowed loss/,
    );
    expect(verdict.reasons).toContain('prompted would cost $2,000 a month at 1,000,000 requests (pain point $1,000).');
    // Without a pain (cheap enough, a short prompt), a worse fine-tuned model simply means: keep prompting.
    const painless = pair({ n11: 850, n10: 80, n01: 10, n00: 60 });
    expect(decide(input(painless)).verdict.decision).toBe('keep-prompting');
  });
});

/** The same evidence with the calls at `indices` failed: not answered, so neither right nor wrong. */
function withErrors(variant: VariantEvidence, indices: number[]): VariantEvidence {
  const outcomes = Uint8Array.from(variant.outcomes);
  const answered = Uint8Array.from(variant.answered);
  for (const i of indices) {
    outcomes[i] = 0;
    answered[i] = 0;
  }
  const n = outcomes.length;
  const errors = indices.length;
  const correct = outcomes.reduce((sum, v) => sum + v, 0);
  const metrics = { ...variant.metrics, errors, error_rate: errors / n, correct, accuracy: correct / (n - errors) };
  return { ...variant, metrics, outcomes, answered };
}

describe('decide on runs with errors', () => {
  // 1,000 cases on which the candidate is non-inferior and pays back: a clear switch.
  const table = { n11: 900, n10: 12, n01: 10, n00: 78 };
  // 40 of the candidate's calls fail, all on cases both variants got right (the first 40).
  const failedCalls = Array.from({ length: 40 }, (_, i) => i);

  it('pairs only the cases both variants answered: a failed call is not a wrong answer', () => {
    const [baseline, candidate] = pair(table) as [VariantEvidence, VariantEvidence];
    const erring = withErrors(candidate, failedCalls);
    const { verdict, comparisons } = decide(input([baseline, erring], { thresholds: { error_rate: { max: 0.05 } } }));
    const comparison = comparisons.finetuned;
    expect(comparison?.n).toBe(960);
    expect(comparison?.counts).toEqual({ n11: 860, n10: 12, n01: 10, n00: 78 });
    expect(comparison?.accuracy_diff).toBeCloseTo(-2 / 960, 12);
    expect(comparison?.flipped.right_to_wrong).not.toContain('case-0');
    expect(comparison?.flipped.right_to_wrong).toHaveLength(12);
    // The bootstrap resamples the same 960 pairs: its interval sits around the same small loss.
    expect(comparison?.accuracy_diff_bootstrap_ci[0]).toBeGreaterThan(-0.02);
    expect(verdict.decision).toBe('switch');
  });

  it('has no verdict when a variant it rests on failed more calls than the suite allows', () => {
    const [baseline, candidate] = pair(table) as [VariantEvidence, VariantEvidence];
    const { verdict } = decide(input([baseline, withErrors(candidate, failedCalls)]));
    expect(verdict.decision).toBe('inconclusive');
    expect(verdict.confidence).toBeNull();
    expect(verdict.reasons[0]).toBe(
      'No verdict: finetuned failed 40 of 1000 calls (4.0%), above the allowed error rate of 1.0% (thresholds.error_rate.max).',
    );
    expect(verdict.reasons[1]).toMatch(/^On the 960 cases both answered, the accuracy difference is −0\.2 points/);
    // The suite's own limit is the one applied; the baseline's errors count as much as the candidate's.
    const strict = { thresholds: { error_rate: { max: 0.001 } } };
    const baselineErrors = decide(input([withErrors(baseline, [0, 1]), candidate], strict)).verdict;
    expect(baselineErrors.decision).toBe('inconclusive');
    expect(baselineErrors.reasons[0]).toMatch(
      /^No verdict: prompted failed 2 of 1000 calls \(0\.2%\), above the allowed error rate of 0\.1%/,
    );
    // With no candidate, the prompted variant's errors void the fine-tune advice too.
    const alone = decide(input([withErrors(baseline, failedCalls)])).verdict;
    expect(alone.decision).toBe('inconclusive');
  });

  it('measures an accepted model against its reference on the answered cases only', () => {
    const [baseline, candidate] = pair(table) as [VariantEvidence, VariantEvidence];
    // 910 of 1,000 right when accepted; now 40 calls fail and 870 of the 960 answered are right (90.6%).
    const reference = { finetuned: { model: candidate.model, correct: 910, n: 1000, passed: true } };
    const { verdict } = decide(
      input([baseline, withErrors(candidate, failedCalls)], {
        reference,
        thresholds: { error_rate: { max: 0.05 } },
      }),
    );
    expect(verdict.decision).toBe('switch');
  });
});
