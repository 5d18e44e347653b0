import { describe, expect, it } from 'vitest';
import { decideSuite } from '../../src/api/decide.js';
import type { FineTuneOffer } from '../../src/providers/fine-tune-prices.js';
import { RUNNER_PRICE_SOURCE } from '../../src/providers/pricing.js';
import type { LoadedSuite, TaskKind, TrainingBackendSpec } from '../../src/suite/types.js';
import { evidence, outcomes } from '../decision/verdict-fixtures.js';
import { makeCases, provider, suite, variant } from '../engine/helpers.js';

// A prompted variant that hurts: $4,000 a month at 1M requests, 2,300 of its 2,400 prompt tokens fixed.
const prompted = evidence('prompted', 'prompted', outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 }).baseline, {
  cost: 0.004,
  promptTokens: 2400,
  prefix: 2300,
});
const fireworksOffer: FineTuneOffer = {
  platform: 'fireworks',
  base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
  training_per_1m_usd: 0.5,
  inference: { input: 0.2, output: 0.2 },
  trainable_until: null,
  shutdown_date: null,
  source: 'built-in ft table (as of 2026-11-20)',
};

function classifier(kind: TaskKind, backend?: TrainingBackendSpec, extra: Partial<LoadedSuite> = {}): LoadedSuite {
  const loaded = suite({
    task: { kind },
    providers: { fw: provider('fw', { platform: 'fireworks' }), onbox: { ...provider('onbox'), local: true } },
    variants: [variant('prompted', { provider: 'fw' })],
    ...(backend
      ? {
          training: {
            trigger: false,
            backend,
            sources: [{ type: 'eval' }],
            validation_split: 0.1,
            epochs: 3,
            max_tokens_per_example: 4096,
          },
        }
      : {}),
    ...extra,
  });
  loaded.decision = { ...loaded.decision, monthly_requests: 1_000_000, pain_monthly_cost_usd: 1000 };
  return loaded;
}

function verdictOf(spec: LoadedSuite, trainable = 1000) {
  return decideSuite(spec, { cases: makeCases(1000), trainable: makeCases(trainable) }, [prompted], undefined, {
    fineTuneOffers: [fireworksOffer],
    today: '2027-01-10',
  }).verdict;
}

const fireworksBackend: TrainingBackendSpec = { type: 'fireworks', provider: 'fw', account: 'acme' };

describe('decideSuite offers the local classifier on classification suites only', () => {
  it('recommends it with no backend or a local one, and names it beside a configured Fireworks backend', () => {
    for (const backend of [undefined, { type: 'local' } as const]) {
      const verdict = verdictOf(classifier('classification', backend));
      expect(verdict.decision).toBe('fine-tune');
      expect(verdict.fine_tune_projection).toMatchObject({ platform: 'local', base: 'local classifier' });
      expect(verdict.fine_tune_projection?.source.startsWith(`${RUNNER_PRICE_SOURCE}; 2.27 ms`)).toBe(true);
      expect(verdict.reasons.join(' ').includes('(the configured training backend)')).toBe(backend !== undefined);
    }
    const withFireworks = verdictOf(classifier('classification', fireworksBackend));
    expect(withFireworks.fine_tune_projection?.platform).toBe('fireworks');
    expect(withFireworks.reasons.at(-1)).toMatch(
      /^A fine-tuned local classifier on the runner would be the cheapest option: about \$0\.23 a month at 1,000,000 requests.*training\.backend: \{ type: local \}.*the next run \(tunegate promote\) measures it/,
    );
  });

  it('never offers it to extraction or generation suites', () => {
    for (const kind of ['extraction', 'generation'] as const) {
      for (const backend of [undefined, fireworksBackend]) {
        const verdict = verdictOf(classifier(kind, backend));
        expect(verdict.fine_tune_projection?.platform).toBe('fireworks');
        expect(verdict.reasons.join(' ')).not.toContain('local classifier');
      }
    }
  });

  it('prices it as the suite prices its local models, and offers it to a suite with only seeds (distillation)', () => {
    const free = classifier(
      'classification',
      { type: 'local' },
      {
        variants: [
          variant('prompted', { provider: 'fw' }),
          variant('floor', { provider: 'onbox', model: 'local:0123456789ab' }),
        ],
        pricing: { 'local:0123456789ab': { per_hour: 0 } },
      },
    );
    free.decision = { ...free.decision, seed_examples: 10 };
    const verdict = verdictOf(free, 0);
    expect(verdict.reasons).toContain('10 seed examples are enough to distil a training set from a teacher model.');
    expect(verdict.fine_tune_projection).toMatchObject({ platform: 'local', per_request_usd: 0 });
    expect(verdict.fine_tune_projection?.source.startsWith('suite; 2.27 ms')).toBe(true);
  });

  it('prices the training of a local candidate at runner time, counted once for all its epochs', () => {
    const both = outcomes({ n11: 850, n10: 50, n01: 40, n00: 60 });
    const baseline = evidence('prompted', 'prompted', both.baseline, { cost: 0.004, promptTokens: 2400, prefix: 2300 });
    const local = evidence('floor', 'finetuned', both.candidate, { cost: 0.0000002, promptTokens: 100 });
    const spec = classifier(
      'classification',
      { type: 'local' },
      {
        variants: [
          variant('prompted', { provider: 'fw' }),
          variant('floor', { provider: 'onbox', model: 'local:0123456789ab', role: 'finetuned' }),
        ],
      },
    );
    const decided = decideSuite(
      spec,
      { cases: makeCases(1000), trainable: makeCases(1000) },
      [baseline, local],
      undefined,
    );
    // 1,000 examples of 105 tokens (100 prompt + 5 completion) once, at $0.36/h × 14.4 s per 334,154 tokens.
    const perMillion = (0.36 * 14.4 * 1e6) / 3600 / 334_154;
    expect(decided.economics.training_cost_basis).toBe('estimated');
    expect(decided.economics.training_tokens).toBe(105_000);
    expect(decided.economics.training_cost_usd).toBeCloseTo((105_000 * perMillion) / 1e6, 12);
  });
});
