import { describe, expect, it } from 'vitest';
import {
  LOCAL_PREDICTION_MS,
  localClassifierOption,
  localRecommendationSentence,
} from '../../src/decision/local-option.js';
import type { DecisionInput, FineTuneOption } from '../../src/decision/types.js';
import { decide } from '../../src/decision/verdict.js';
import { RUNNER_PRICE, RUNNER_PRICE_SOURCE } from '../../src/providers/pricing.js';
import { evidence, input, option, outcomes, policy } from './verdict-fixtures.js';

// A prompted variant that hurts: $4,000 a month at 1M requests, 100 of its 2,400 prompt tokens not fixed.
const prompted = evidence('prompted', 'prompted', outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 }).baseline, {
  cost: 0.004,
  promptTokens: 2400,
  prefix: 2300,
});
const usage = { prompt: 100, completion: 5, cached: 0 };
const local = (configured = false) => localClassifierOption(RUNNER_PRICE, RUNNER_PRICE_SOURCE, usage, configured);
const fireworks = option({ per_request_usd: 0.00003 });

function recommend(options: FineTuneOption[], extra: Partial<DecisionInput> = {}) {
  return decide(
    input([prompted], {
      policy: policy({ pain_monthly_cost_usd: 1000, training_cost_usd: 'auto', monthly_requests: 1_000_000 }),
      examples: { cases: 1000, seeds: 0 },
      fine_tune_options: options,
      today: '2027-01-10',
      ...extra,
    }),
  ).verdict;
}

const cheaperSentence =
  'A fine-tuned local classifier on the runner would be the cheapest option: about $0.23 a month at 1,000,000 requests, trained in seconds with no provider. To try it, set training.backend: { type: local } and serve it from a provider with local: true; its accuracy is unknown until measured: after tunegate train, the next run (tunegate promote) measures it against the prompted model.';

describe('the local classifier as a fine-tune option', () => {
  it('is priced at the runner rate for its measured prediction time, and says where each number comes from', () => {
    const offer = local();
    // $0.36 an hour × 2.27 ms; training: 14.4 s of the runner for 334,154 tokens.
    expect(offer.per_request_usd).toBeCloseTo((0.36 * 2.27) / 3_600_000, 15);
    expect(offer.training_per_1m_usd).toBeCloseTo((((0.36 * 14.4) / 3600) * 1e6) / 334_154, 12);
    expect(offer).toMatchObject({ trainable_until: null, shutdown_date: null, training_epochs: 1 });
    expect(offer.source).toBe(
      `${RUNNER_PRICE_SOURCE}; ${LOCAL_PREDICTION_MS} ms of runner time per request (p95 through tunegate's server, bench/local-serve.mjs, 2026-12-02); training 14.4 s per 334,154 tokens (15,000 CLINC150 rows, bench/local-classifier.mjs, 2026-12-02), estimated`,
    );
    // A free runner (pricing: { per_hour: 0 }) makes both free.
    const free = localClassifierOption({ per_hour: 0 }, 'suite', usage, false);
    expect(free).toMatchObject({ per_request_usd: 0, training_per_1m_usd: 0 });
    expect(free.source.startsWith('suite; 2.27 ms')).toBe(true);
  });

  it('is recommended when no backend is configured, as the cheapest request, and its training counts once', () => {
    const verdict = recommend([fireworks, local()]);
    expect(verdict.decision).toBe('fine-tune');
    expect(verdict.fine_tune_projection).toMatchObject({ platform: 'local', base: 'local classifier' });
    expect(verdict.projected_monthly_savings_usd).toBeCloseTo(4000 - 0.227, 9);
    // 1,000 examples × 105 tokens at the runner's price per 1M, not × decision.training_epochs (3).
    const perMillion = local().training_per_1m_usd as number;
    expect(verdict.fine_tune_projection?.training_cost_usd).toBeCloseTo((1000 * 105 * perMillion) / 1e6, 15);
    expect(verdict.reasons).toContain(
      `A fine-tuned local classifier on the runner serving the same requests without the fixed prompt would save about $4,000 a month (prices: ${local().source}).`,
    );
    expect(verdict.reasons).toContain(
      'It runs on the runner itself, with no provider and no key, and never retires; its accuracy is unknown until measured: after tunegate train, the next run (tunegate promote) measures it against the prompted model. To try it, set training.backend: { type: local } and serve it from a provider with local: true.',
    );
    expect(verdict.reasons.join(' ')).not.toMatch(/shuts down|cheapest option/);
  });

  it('is recommended when it is the configured backend, even against a cheaper request', () => {
    const cheaper = option({ per_request_usd: 1e-9 });
    const verdict = recommend([cheaper, local(true)]);
    expect(verdict.fine_tune_projection?.platform).toBe('local');
    expect(verdict.reasons.join(' ')).toContain(
      'A fine-tuned local classifier on the runner (the configured training backend) serving the same requests',
    );
    // Configured already: no advice to configure it.
    expect(verdict.reasons).toContain(localRecommendationSentence(true));
    expect(localRecommendationSentence(true)).not.toContain('To try it');
  });

  it('leaves a configured backend recommended, and names the local classifier as the cheapest option', () => {
    const verdict = recommend([{ ...fireworks, configured: true }, local()]);
    expect(verdict.fine_tune_projection?.platform).toBe('fireworks');
    expect(verdict.reasons).toContain(cheaperSentence);
    expect(verdict.reasons.filter((r) => r.includes('local classifier'))).toHaveLength(1);
    expect(verdict.reasons.join(' ')).not.toContain('never retires');
  });

  it('is not named as the cheapest option when it is not', () => {
    const cheaper = option({ platform: 'together', per_request_usd: 1e-9 });
    const verdict = recommend([{ ...fireworks, configured: true }, cheaper, local()]);
    expect(verdict.fine_tune_projection?.platform).toBe('fireworks');
    expect(verdict.reasons.join(' ')).not.toContain('local classifier');
  });
});
