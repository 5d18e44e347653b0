import { describe, expect, it } from 'vitest';
import { decideSuite } from '../../src/api/decide.js';
import { loadCases } from '../../src/dataset/load.js';
import type { FineTuneOffer } from '../../src/providers/fine-tune-prices.js';
import { evidence, outcomes, pair } from '../decision/verdict-fixtures.js';
import { makeCases, provider, suite, variant } from '../engine/helpers.js';

const offer = (overrides: Partial<FineTuneOffer>): FineTuneOffer => ({
  platform: 'together',
  base: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  training_per_1m_usd: 4,
  inference: { input: 0.1, output: 0.1 },
  trainable_until: null,
  shutdown_date: null,
  source: 'built-in ft table (as of 2026-11-20)',
  ...overrides,
});

describe('decideSuite', () => {
  // A prompted variant that hurts: $4,000 a month at 1M requests, 2,300 of its 2,400 prompt tokens fixed.
  const prompted = evidence('prompted', 'prompted', outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 }).baseline, {
    cost: 0.004,
    promptTokens: 2400,
    prefix: 2300,
  });
  const loaded = suite({
    providers: { fw: provider('fw', { platform: 'fireworks' }) },
    variants: [variant('prompted', { provider: 'fw' })],
    training: {
      trigger: false,
      backend: { type: 'openai', provider: 'fw', api: 'openai' },
      sources: [{ type: 'eval' }],
      validation_split: 0.1,
      epochs: 3,
      max_tokens_per_example: 4096,
    },
  });
  loaded.decision = { ...loaded.decision, monthly_requests: 1_000_000, pain_monthly_cost_usd: 1000 };

  it('counts the rows training may use for readiness, never the evaluated ones', async () => {
    const offers = [offer({ platform: 'fireworks', base: 'accounts/fireworks/models/llama-v3p1-8b-instruct' })];
    const rows = Array.from({ length: 1500 }, (_, i) => ({ input: `message ${i}`, expected: 'card_arrival' }));
    const withRows = (holdout?: { eval: number; seed: number }, count = rows.length) => {
      const { training } = loaded;
      if (!training) throw new Error('the fixture suite has a training section');
      return {
        ...loaded,
        dataset: { ...loaded.dataset, inline: rows.slice(0, count) },
        training: { ...training, ...(holdout ? { holdout } : {}) },
      };
    };
    const readiness = async (spec: ReturnType<typeof withRows>) => {
      const { cases, trainable } = await loadCases(spec);
      const { verdict } = decideSuite(spec, { cases, trainable }, [prompted], undefined, {
        fineTuneOffers: offers,
        today: '2027-01-10',
      });
      return { evaluated: cases.length, trainable: trainable.length, verdict };
    };

    // All 1,500 rows are evaluated: that is plenty of eval rows, and not one of them may train.
    const unsplit = await readiness(withRows());
    expect(unsplit).toMatchObject({ evaluated: 1500, trainable: 0 });
    expect(unsplit.verdict.decision).toBe('keep-prompting');
    expect(unsplit.verdict.reasons.at(-1)).toMatch(
      /only 0 examples and 0 seeds: evaluated rows never train, so set training\.holdout to keep part of the dataset for training .*or add logs/,
    );

    // A 20% holdout: about 300 rows are evaluated and the other ~1,200 are what readiness counts.
    const split = await readiness(withRows({ eval: 0.2, seed: 1 }));
    expect(split.evaluated + split.trainable).toBe(1500);
    expect(split.trainable).toBeGreaterThan(1100);
    expect(split.verdict.decision).toBe('fine-tune');
    expect(split.verdict.reasons).toContain(
      `${split.trainable.toLocaleString('en-US')} labelled examples are enough to train on.`,
    );

    // With a holdout already there, too small a train part only needs more rows.
    const small = await readiness(withRows({ eval: 0.2, seed: 1 }, 60));
    expect(small.verdict.decision).toBe('keep-prompting');
    expect(small.verdict.reasons.at(-1)).toBe(
      `Fine-tuning would help, but there are only ${small.trainable} examples and 0 seeds: collect 100 examples, or 10 seeds to distil from.`,
    );
  });

  it('prices each offer for the baseline requests without their prefix, and marks the configured platform', () => {
    const offers = [
      offer({}),
      offer({
        platform: 'fireworks',
        base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
        inference: { input: 0.2, output: 0.2 },
      }),
      offer({ platform: 'openai', base: 'gpt-4.1-mini-2025-04-14', trainable_until: '2027-01-05' }),
    ];
    const { verdict } = decideSuite(
      loaded,
      { cases: makeCases(1000), trainable: makeCases(1000) },
      [prompted],
      undefined,
      {
        fineTuneOffers: offers,
        today: '2027-01-10',
      },
    );
    expect(verdict.decision).toBe('fine-tune');
    // 100 prompt tokens (2,400 − 2,300 fixed) and 5 completion tokens at $0.2 per 1M each.
    expect(verdict.fine_tune_projection).toMatchObject({ platform: 'fireworks', per_request_usd: 105 * 0.2e-6 });
    expect(verdict.reasons.join(' ')).toContain('on fireworks (the configured training backend)');
    // A Fireworks backend names its platform even when its provider's server does not say.
    const onSimulator = suite({
      ...loaded,
      providers: { sim: provider('sim') },
      variants: [variant('prompted', { provider: 'sim' })],
      training: {
        ...(loaded.training as NonNullable<typeof loaded.training>),
        backend: { type: 'fireworks', provider: 'sim', account: 'acme' },
      },
    });
    const simulated = decideSuite(
      onSimulator,
      { cases: makeCases(1000), trainable: makeCases(1000) },
      [prompted],
      undefined,
      {
        fineTuneOffers: offers,
        today: '2027-01-10',
      },
    );
    expect(simulated.verdict.fine_tune_projection?.platform).toBe('fireworks');
  });

  it("estimates an existing candidate's retraining at its own base's training price on its platform", () => {
    const fireworksBase = 'accounts/fireworks/models/llama-v3p1-8b-instruct';
    const withCandidate = suite({
      ...loaded,
      variants: [
        variant('prompted', { provider: 'fw' }),
        variant('finetuned', { role: 'finetuned', provider: 'fw', base_model: fireworksBase }),
      ],
      decision: { ...loaded.decision, retrain_every_months: 3 },
    });
    const variants = pair({ n11: 900, n10: 12, n01: 10, n00: 78 });
    const { economics } = decideSuite(
      withCandidate,
      { cases: makeCases(1000), trainable: makeCases(1000) },
      variants,
      undefined,
    );
    // 1,000 examples × (100 prompt + 5 completion tokens) × 3 epochs at the fine-tune table's $0.5 per 1M.
    expect(economics.training_cost_usd).toBeCloseTo(0.1575, 12);
  });

  it('passes the lifecycle through and works out days left from the run date', () => {
    const dying = offer({ shutdown_date: '2027-01-14' });
    // A generation task: a classification suite would also be offered the local classifier, which never shuts down.
    const { verdict } = decideSuite(
      { ...loaded, task: { kind: 'generation' } },
      { cases: makeCases(1000), trainable: makeCases(1000) },
      [prompted],
      undefined,
      {
        fineTuneOffers: [dying],
        today: '2027-01-10',
        lifecycle: { prompted: { shutdown_date: '2027-01-14', days_left: 4, replacement: null } },
      },
    );
    expect(verdict.fine_tune_projection).toBeNull();
    expect(verdict.reasons.join(' ')).toContain(
      'shuts down on 2027-01-14, in 4 days, within the 6-month payback horizon',
    );
    expect(verdict.reasons.at(-1)).toMatch(/^prompted \(gpt-4\.1\) shuts down on 2027-01-14, in 4 days/);
  });
});
