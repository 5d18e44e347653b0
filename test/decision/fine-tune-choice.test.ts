import { describe, expect, it } from 'vitest';
import type { DecisionInput, FineTuneOption } from '../../src/decision/types.js';
import { decide } from '../../src/decision/verdict.js';
import type { DecisionSpec } from '../../src/suite/types.js';
import { evidence, input, option, outcomes, policy } from './verdict-fixtures.js';

// A prompted variant that hurts: $4,000 a month at 1M requests, 2,400 prompt tokens of which 2,300
// are fixed; 1,000 labelled examples to train on.
const prompted = evidence('prompted', 'prompted', outcomes({ n11: 0, n10: 900, n01: 0, n00: 100 }).baseline, {
  cost: 0.004,
  promptTokens: 2400,
  prefix: 2300,
});

const openaiMini = option({
  platform: 'openai',
  base: 'gpt-4.1-mini-2025-04-14',
  training_per_1m_usd: 5,
  per_request_usd: 0.000005,
  trainable_until: '2027-01-05',
  shutdown_date: '2027-01-14',
  days_left: null,
  source: 'built-in ft table (as of 2026-11-20): openai',
});
const azureMini = option({
  platform: 'azure',
  base: 'gpt-4o-mini-2024-07-18',
  per_request_usd: 0.000004,
  shutdown_date: '2027-01-14',
  days_left: 20,
  source: 'built-in ft table (as of 2026-11-20): azure',
});
const fireworks = option({ per_request_usd: 0.00003 });
const together = option({
  platform: 'together',
  base: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  per_request_usd: 0.00002,
  training_per_1m_usd: 4,
  source: 'built-in ft table (as of 2026-11-20): together',
});

function recommend(options: FineTuneOption[], extra: Partial<DecisionInput> & { spec?: Partial<DecisionSpec> } = {}) {
  const { spec, ...rest } = extra;
  return decide(
    input([prompted], {
      policy: policy({ pain_monthly_cost_usd: 1000, training_cost_usd: 'auto', ...spec }),
      examples: { cases: 1000, seeds: 0 },
      fine_tune_options: options,
      today: '2027-01-10',
      ...rest,
    }),
  ).verdict;
}

describe('fine-tune recommends a base that can still be trained', () => {
  it('never proposes a base whose platform stopped taking jobs, nor one that shuts down within the horizon', () => {
    const verdict = recommend([openaiMini, azureMini, fireworks, together]);
    expect(verdict.decision).toBe('fine-tune');
    expect(verdict.fine_tune_projection?.platform).toBe('together');
    expect(verdict.reasons).toContain(
      'Left out, as they can no longer be fine-tuned in time: gpt-4.1-mini-2025-04-14 on openai (can no longer be trained: OpenAI self-serve fine-tuning ended on 2027-01-06); gpt-4o-mini-2024-07-18 on azure (shuts down on 2027-01-14, in 20 days, within the 6-month payback horizon (decision.payback_months)).',
    );
    // Its projection is priced with that option's rates: 1,000 examples × (100 prompt tokens without
    // the fixed 2,300 + 5 completion) × 3 epochs × $4 per 1M = $1.26 of training.
    expect(verdict.fine_tune_projection?.training_cost_usd).toBeCloseTo(1.26, 9);
    expect(verdict.projected_monthly_savings_usd).toBeCloseTo(4000 - 20, 6);
    expect(verdict.reasons).toContain(
      'A fine-tuned meta-llama/Meta-Llama-3.1-8B-Instruct-Reference on together serving the same requests without the fixed prompt would save about $3,980 a month (prices: built-in ft table (as of 2026-11-20): together).',
    );
  });

  it('proposes OpenAI before its self-serve end, with the deadline', () => {
    const verdict = recommend([openaiMini, fireworks], { today: '2026-06-01', spec: { payback_months: 3 } });
    expect(verdict.fine_tune_projection?.base).toBe('gpt-4.1-mini-2025-04-14');
    expect(verdict.reasons).toContain(
      'OpenAI self-serve fine-tuning ends on 2027-01-06: start the training job by 2027-01-05.',
    );
    expect(verdict.reasons).toContain(
      'gpt-4.1-mini-2025-04-14 shuts down on 2027-01-14, in 227 days; a fine-tune of it stops the same day.',
    );
  });

  it('prefers the configured training backend over a cheaper one', () => {
    const verdict = recommend([together, { ...fireworks, configured: true }]);
    expect(verdict.fine_tune_projection?.platform).toBe('fireworks');
    expect(verdict.reasons).toContain(
      'A fine-tuned accounts/fireworks/models/llama-v3p1-8b-instruct on fireworks (the configured training backend) serving the same requests without the fixed prompt would save about $3,970 a month (prices: built-in ft table (as of 2026-11-20)).',
    );
    // Without the configuration, the cheaper request wins.
    expect(recommend([together, fireworks]).fine_tune_projection?.platform).toBe('together');
  });

  it('honours decision.fine_tune_model while it can still be trained', () => {
    const verdict = recommend([together, fireworks], {
      spec: { fine_tune_model: 'accounts/fireworks/models/llama-v3p1-8b-instruct' },
    });
    expect(verdict.fine_tune_projection?.platform).toBe('fireworks');
    expect(verdict.reasons.join(' ')).not.toMatch(/is not used/);
  });

  it('refuses a decision.fine_tune_model that is no longer trainable, says why and falls back', () => {
    const nano = option({
      platform: 'openai',
      base: 'gpt-4.1-nano-2025-04-14',
      trainable_until: '2027-01-05',
      shutdown_date: '2026-10-23',
      days_left: -79,
    });
    const shutDown = recommend([nano, fireworks], { spec: { fine_tune_model: 'ft:gpt-4.1-nano' } });
    expect(shutDown.fine_tune_projection?.platform).toBe('fireworks');
    expect(shutDown.reasons).toContain(
      'decision.fine_tune_model ft:gpt-4.1-nano is not used: gpt-4.1-nano-2025-04-14 on openai shut down on 2026-10-23; recommending accounts/fireworks/models/llama-v3p1-8b-instruct on fireworks instead.',
    );
    const selfServeEnded = recommend([openaiMini, fireworks], { spec: { fine_tune_model: 'gpt-4.1-mini' } });
    expect(selfServeEnded.fine_tune_projection?.platform).toBe('fireworks');
    expect(selfServeEnded.reasons).toContain(
      'decision.fine_tune_model gpt-4.1-mini is not used: gpt-4.1-mini-2025-04-14 on openai can no longer be trained: OpenAI self-serve fine-tuning ended on 2027-01-06; recommending accounts/fireworks/models/llama-v3p1-8b-instruct on fireworks instead.',
    );
    // Named before the self-serve end and outliving the horizon, the same base is honoured.
    const inTime = recommend([openaiMini, fireworks], {
      today: '2026-06-01',
      spec: { fine_tune_model: 'gpt-4.1-mini', payback_months: 3 },
    });
    expect(inTime.fine_tune_projection?.platform).toBe('openai');
  });

  it('uses a decision.fine_tune_model no platform offers only when the suite prices it', () => {
    const unknown = recommend([fireworks], {
      spec: { fine_tune_model: 'my-llama' },
      prices: { training_per_1m_usd: null, fine_tune_per_request_usd: null },
    });
    expect(unknown.fine_tune_projection?.platform).toBe('fireworks');
    expect(unknown.reasons).toContain(
      'decision.fine_tune_model my-llama is not used: it is not a base tunegate knows can be fine-tuned; price it under pricing:; recommending accounts/fireworks/models/llama-v3p1-8b-instruct on fireworks instead.',
    );
    const priced = recommend([fireworks], {
      spec: { fine_tune_model: 'my-llama' },
      prices: { training_per_1m_usd: null, fine_tune_per_request_usd: 0.00001 },
    });
    expect(priced.fine_tune_projection).toMatchObject({
      base: 'my-llama',
      source: 'suite pricing',
      training_cost_usd: null,
    });
    expect(priced.reasons).toContain('Its training cost is unknown: set decision.training_cost_usd.');
  });

  it('says the saving cannot be projected, and what to configure, when no base can be trained', () => {
    for (const options of [[], [openaiMini, azureMini]]) {
      const verdict = recommend(options);
      expect(verdict.decision).toBe('fine-tune');
      expect(verdict.fine_tune_projection).toBeNull();
      expect(verdict.projected_monthly_savings_usd).toBeNull();
      expect(verdict.reasons.at(-1)).toMatch(
        /^The saving cannot be projected: no base that can still be fine-tuned is known\. Add a provider on a platform that fine-tunes \(platform: together, fireworks or azure\) with training\.backend on it/,
      );
    }
    expect(recommend([openaiMini]).reasons.join(' ')).toContain('OpenAI self-serve fine-tuning ended on 2027-01-06');
    // Named even when the base chosen is cheaper anyway: a team used to OpenAI learns why it is not proposed.
    const dearOpenai = { ...openaiMini, per_request_usd: 0.001 };
    const openai4o = { ...openaiMini, base: 'gpt-4o-2024-08-06' };
    expect(recommend([dearOpenai, openai4o, together]).reasons.join(' ')).toContain(
      'gpt-4.1-mini-2025-04-14, gpt-4o-2024-08-06 on openai (can no longer be trained: OpenAI self-serve fine-tuning ended on 2027-01-06)',
    );
  });
});
