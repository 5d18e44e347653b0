import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/engine/budget.js';
import { openResponseCache } from '../../src/engine/cache.js';
import { planCalls } from '../../src/engine/plan.js';
import { countMessageTokens, countTokens, loadTokenizer } from '../../src/providers/tokens.js';
import { makeCases, nth, suite, variant } from './helpers.js';

beforeAll(loadTokenizer);

describe('estimateCost', () => {
  it('prices prompt tokens of the full messages and max_tokens of completion', async () => {
    const s = suite({
      variants: [
        variant('big', { model: 'priced', system: 'You classify banking messages.', params: { max_tokens: 10 } }),
      ],
      pricing: { priced: { input: 1, output: 2 } },
    });
    const calls = planCalls([{ suite: s, cases: makeCases(5) }]);
    const expectedUsd = calls.reduce((sum, c) => sum + (countMessageTokens(c.messages) * 1 + 10 * 2) / 1e6, 0);
    const estimate = await estimateCost(calls);
    expect(estimate.calls).toBe(5);
    expect(estimate.cached_calls).toBe(0);
    expect(estimate.unpriced_calls).toBe(0);
    expect(estimate.usd).toBeCloseTo(expectedUsd, 12);
  });

  it('estimates completion from the expected answer without max_tokens, and counts unknown prices apart', async () => {
    const s = suite({
      variants: [variant('priced', { model: 'priced' }), variant('mystery', { model: 'no-such-model' })],
      pricing: { priced: { input: 0, output: 1 } },
    });
    const cases = makeCases(1);
    const estimate = await estimateCost(planCalls([{ suite: s, cases }]));
    const completion = Math.ceil(countTokens('label-0') * 1.5) + 4;
    expect(estimate.usd).toBeCloseTo(completion / 1e6, 12);
    expect(estimate.unpriced_calls).toBe(1);
  });

  it('uses the given pricing table and counts calls already in the cache as free', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-budget-'));
    try {
      const s = suite({ variants: [variant('big', { model: 'x', params: { max_completion_tokens: 4 } })] });
      const calls = planCalls([{ suite: s, cases: makeCases(4) }]);
      const cache = openResponseCache(dir);
      await cache.set(nth(calls, 0).cacheKey, {
        text: 'a',
        usage: null,
        latency_ms: 1,
        ttft_ms: null,
        simulated: false,
      });
      const estimate = await estimateCost(calls, () => ({ x: { input: 0, output: 1_000_000 } }), cache.keys());
      expect(estimate).toEqual({ usd: 12, unpriced_calls: 0, calls: 4, cached_calls: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
