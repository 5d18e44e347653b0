import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/engine/cache-key.js';
import { iteratePlan, planCalls } from '../../src/engine/plan.js';
import { runCalls } from '../../src/engine/run.js';
import type { CacheMode, CaseRecord, PlannedCall } from '../../src/engine/types.js';
import { TunegateError } from '../../src/errors.js';
import { fakeClient, makeCases, suite, variant } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunegate-modes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `calls` with a client answering `answer` (with the call number), and reports what happened. */
async function runWith(
  calls: PlannedCall[],
  options: { answer?: (n: number) => string; cacheMode?: CacheMode; cacheDir?: string; maxCostUsd?: number },
) {
  const fake = fakeClient((_request, n) => (options.answer ? { text: options.answer(n) } : {}));
  const records: CaseRecord[] = [];
  const summary = await runCalls(calls, {
    env: {},
    clientFor: () => fake.client,
    onRecord: (record) => {
      records.push(record);
    },
    cacheDir: options.cacheDir ?? dir,
    ...(options.cacheMode ? { cacheMode: options.cacheMode } : {}),
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
  });
  return { calls: fake.stats.calls.length, cached: summary.cached, outputs: records.map((r) => r.output) };
}

const priced = () =>
  suite({ pricing: { 'model-big': { input: 1000, output: 1000 }, 'model-small': { input: 1000, output: 1000 } } });

describe('cache modes', () => {
  const calls = () => planCalls([{ suite: suite(), cases: makeCases(5) }]);

  it('use (the default) replays stored answers: a changed model behind the same id is not seen', async () => {
    expect(await runWith(calls(), { answer: () => 'old' })).toMatchObject({ calls: 10, cached: 0 });
    const replay = await runWith(calls(), { answer: () => 'new' });
    expect(replay).toMatchObject({ calls: 0, cached: 10 });
    expect(new Set(replay.outputs)).toEqual(new Set(['old']));
  });

  it('refresh calls every model although every answer is stored, and stores the new answers over the old', async () => {
    await runWith(calls(), { answer: () => 'old' });
    const refreshed = await runWith(calls(), { answer: () => 'new', cacheMode: 'refresh' });
    expect(refreshed).toMatchObject({ calls: 10, cached: 0 });
    expect(new Set(refreshed.outputs)).toEqual(new Set(['new']));
    // A following `use` run is served from the cache, with the refreshed answers.
    const after = await runWith(calls(), { answer: () => 'newer', cacheMode: 'use' });
    expect(after).toMatchObject({ calls: 0, cached: 10 });
    expect(new Set(after.outputs)).toEqual(new Set(['new']));
  });

  it('off neither reads the stored answers nor writes any', async () => {
    await runWith(calls(), { answer: () => 'old' });
    const off = await runWith(calls(), { answer: () => 'new', cacheMode: 'off' });
    expect(off).toMatchObject({ calls: 10, cached: 0 });
    expect(new Set(off.outputs)).toEqual(new Set(['new']));
    expect(new Set((await runWith(calls(), { answer: () => 'x' })).outputs)).toEqual(new Set(['old']));

    const empty = join(dir, 'never-written');
    await runWith(calls(), { cacheMode: 'off', cacheDir: empty });
    await expect(readdir(empty)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refresh counts every call in the budget estimate, stored or not (use counts stored ones as free)', async () => {
    const plan = () => iteratePlan([{ suite: priced(), cases: makeCases(5) }]);
    await runWith([...plan()], {});
    expect(await runWith([...plan()], { maxCostUsd: 0.000001 })).toMatchObject({ calls: 0, cached: 10 });
    const refused = runWith([...plan()], { maxCostUsd: 0.000001, cacheMode: 'refresh' });
    await expect(refused).rejects.toThrow(TunegateError);
    await expect(refused).rejects.toMatchObject({ code: 'budget-estimate' });
  });
});

describe('samples in the cache key', () => {
  const messages = [{ role: 'user' as const, content: 'hello' }];
  const X = { base_url: 'http://x/v1' };

  it('enters the key from the second sample on, only when the variant samples (temperature > 0 or unset)', () => {
    const warm = { temperature: 0.7 };
    const first = cacheKey(X, 'm', messages, warm, 0);
    expect(first).toBe(cacheKey(X, 'm', messages, warm));
    const keys = [0, 1, 2].map((sample) => cacheKey(X, 'm', messages, warm, sample));
    expect(new Set(keys).size).toBe(3);
    expect(cacheKey(X, 'm', messages, {}, 1)).not.toBe(cacheKey(X, 'm', messages, {}, 0));
    // At temperature 0 a repeat is the same answer: one entry.
    const cold = { temperature: 0 };
    expect(cacheKey(X, 'm', messages, cold, 3)).toBe(cacheKey(X, 'm', messages, cold, 0));
  });

  it('plans samples per case and variant, each with its own key, the first keeping the key it had', () => {
    const s = suite({ variants: [variant('big', { params: { temperature: 0.8 } }), variant('small')] });
    const once = planCalls([{ suite: s, cases: makeCases(2) }]);
    const thrice = iteratePlan([{ suite: s, cases: makeCases(2) }], { samples: 3 });
    expect(thrice.size).toBe(12);
    const calls = [...thrice];
    expect(calls.map((c) => `${c.case.id}/${c.sample}/${c.variant.name}`).slice(0, 6)).toEqual([
      '0/0/big',
      '0/0/small',
      '0/1/big',
      '0/1/small',
      '0/2/big',
      '0/2/small',
    ]);
    expect(new Set(calls.map((c) => c.cacheKey)).size).toBe(12);
    expect(calls.filter((c) => c.sample === 0).map((c) => c.cacheKey)).toEqual(once.map((c) => c.cacheKey));
    expect(once.every((c) => c.sample === 0)).toBe(true);
  });

  it('caches repeated samples as separate answers, so a re-run replays each sample, not one answer', async () => {
    const s = suite({ variants: [variant('big', { params: { temperature: 1 } })] });
    const plan = () => planCalls([{ suite: s, cases: makeCases(4) }], { samples: 3 });
    const first = await runWith(plan(), { answer: (n) => `draw ${n}` });
    expect(first.calls).toBe(12);
    const again = await runWith(plan(), { answer: () => 'must not be asked' });
    expect(again).toMatchObject({ calls: 0, cached: 12 });
    expect(new Set(again.outputs).size).toBe(12);
    expect(new Set(again.outputs)).toEqual(new Set(first.outputs));
  });

  it('serves every sample of a model at temperature 0 from its one stored answer', async () => {
    const s = suite({ variants: [variant('big', { params: { temperature: 0 } })] });
    const cases = makeCases(4);
    expect(await runWith(planCalls([{ suite: s, cases }]), {})).toMatchObject({ calls: 4 });
    expect(await runWith(planCalls([{ suite: s, cases }], { samples: 3 }), {})).toMatchObject({ calls: 0, cached: 12 });
  });
});
