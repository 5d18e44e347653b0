import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { iteratePlan, planCalls } from '../../src/engine/plan.js';
import { runCalls } from '../../src/engine/run.js';
import type { CaseRecord, PlannedCall, Progress, RunOptions } from '../../src/engine/types.js';
import { ExitCode, TunegateError } from '../../src/errors.js';
import { type ModelClient, ProviderError } from '../../src/providers/types.js';
import { fakeClient, makeCases, nth, provider, suite, variant } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunegate-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(options: Partial<RunOptions> & { client?: ModelClient } = {}) {
  const records: CaseRecord[] = [];
  const { client, ...rest } = options;
  const runOptions: RunOptions = {
    env: {},
    onRecord: (record) => {
      records.push(record);
    },
    ...(client ? { clientFor: () => client } : {}),
    ...rest,
  };
  return { records, runOptions };
}

describe('runCalls', () => {
  it('never exceeds each provider’s concurrency, and runs two providers side by side', async () => {
    const fast = fakeClient();
    let bothBusy = false;
    const slow = fakeClient(() => {
      if (fast.stats.inFlight > 0) bothBusy = true;
      return new Promise((resolve) => setTimeout(() => resolve({}), 3));
    });
    const s = suite({
      providers: { a: provider('a', { concurrency: 3 }), b: provider('b', { concurrency: 5 }) },
      variants: [variant('big', { provider: 'a' }), variant('small', { provider: 'b' })],
    });
    const clientFor = vi.fn((p: { name: string }) => (p.name === 'a' ? fast.client : slow.client));
    const { records, runOptions } = collect({ clientFor });
    const summary = await runCalls(planCalls([{ suite: s, cases: makeCases(60) }]), runOptions);
    expect(fast.stats.maxInFlight).toBe(3);
    expect(slow.stats.maxInFlight).toBe(5);
    expect(bothBusy).toBe(true);
    expect(clientFor).toHaveBeenCalledTimes(2);
    expect(records).toHaveLength(120);
    expect(summary).toMatchObject({ total: 120, completed: 120, errors: 0, cached: 0, budget_exhausted: false });
  });

  it('lets options.concurrency override every provider', async () => {
    const fake = fakeClient();
    const { runOptions } = collect({ client: fake.client, concurrency: 2 });
    await runCalls(planCalls([{ suite: suite(), cases: makeCases(20) }]), runOptions);
    expect(fake.stats.maxInFlight).toBe(2);
  });

  it('shares one client and one limit between suites that declare the same endpoint', async () => {
    const fake = fakeClient();
    const clientFor = vi.fn(() => fake.client);
    const shared = { local: provider('local', { concurrency: 2 }) };
    const first = suite({ name: 'one', providers: shared });
    const second = suite({ name: 'two', providers: { local: provider('local', { concurrency: 2 }) } });
    const { records, runOptions } = collect({ clientFor });
    await runCalls(
      planCalls([
        { suite: first, cases: makeCases(5) },
        { suite: second, cases: makeCases(5) },
      ]),
      runOptions,
    );
    expect(clientFor).toHaveBeenCalledTimes(1);
    expect(fake.stats.maxInFlight).toBe(2);
    expect(records).toHaveLength(20);
  });

  it('keeps a good response when the cache cannot be written', async () => {
    const blocked = join(dir, 'not-a-directory');
    await writeFile(blocked, 'x');
    const { records, runOptions } = collect({ client: fakeClient().client, cacheDir: blocked });
    const summary = await runCalls(planCalls([{ suite: suite(), cases: makeCases(2) }]), runOptions);
    expect(summary.errors).toBe(0);
    expect(records.every((r) => r.output !== null)).toBe(true);
  });

  it('never computes a cache key when there is no cache', async () => {
    const calls = planCalls([{ suite: suite(), cases: makeCases(3) }]).map((call) => {
      const { suite: s, variant: v, case: c, messages } = call;
      return {
        suite: s,
        variant: v,
        case: c,
        messages,
        sample: 0,
        get cacheKey(): string {
          throw new Error('cache key read');
        },
      } satisfies PlannedCall;
    });
    const { records, runOptions } = collect({ client: fakeClient().client });
    const summary = await runCalls(calls, runOptions);
    expect(summary).toMatchObject({ completed: 6, errors: 0 });
    expect(records.every((r) => r.output !== null)).toBe(true);
  });

  it('has written every response to the cache when it returns', async () => {
    const calls = planCalls([{ suite: suite(), cases: makeCases(40) }]);
    await runCalls(calls, collect({ client: fakeClient().client, cacheDir: dir }).runOptions);
    const shards = (await readdir(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name));
    const files = (await Promise.all(shards.map((shard) => readdir(join(dir, shard))))).flat();
    expect(files.sort()).toEqual(calls.map((call) => `${call.cacheKey}.json`).sort());
  });

  it('records every call exactly once, failures included', async () => {
    const fake = fakeClient((_request, n) => {
      if (n % 3 === 0) throw new ProviderError('server_error', 'provider "local": 503 (after 3 attempts)', 503, 3);
      if (n % 5 === 0) throw new TypeError('boom');
      return { attempts: 2 };
    });
    const { records, runOptions } = collect({ client: fake.client });
    const calls = planCalls([{ suite: suite(), cases: makeCases(15) }]);
    const summary = await runCalls(calls, runOptions);
    expect(records).toHaveLength(30);
    expect(new Set(records.map((r) => `${r.case_id}/${r.variant}`)).size).toBe(30);
    const providerFailures = records.filter((r) => r.error?.includes('503'));
    const thrown = records.filter((r) => r.error === 'boom');
    expect(providerFailures).toHaveLength(10);
    expect(providerFailures.every((r) => r.attempts === 3 && r.output === null)).toBe(true);
    expect(thrown.length).toBeGreaterThan(0);
    expect(thrown.every((r) => r.attempts === 1)).toBe(true);
    expect(summary.errors).toBe(providerFailures.length + thrown.length);
    expect(summary.completed + summary.errors).toBe(30);
    const ok = records.find((r) => r.error === null);
    expect(ok).toMatchObject({
      output: expect.stringMatching(/^echo message/),
      attempts: 2,
      cached: false,
      latency_ms: 5,
    });
  });

  it('costs each response by the suite pricing and sums the spend', async () => {
    const fake = fakeClient(() => ({ usage: { prompt: 1000, completion: 100, cached: 0 } }));
    const s = suite({ pricing: { 'model-big': { input: 1, output: 10 }, 'model-small': { input: 0, output: 1 } } });
    const { records, runOptions } = collect({ client: fake.client });
    const summary = await runCalls(planCalls([{ suite: s, cases: makeCases(2) }]), runOptions);
    expect(records.filter((r) => r.variant === 'big').map((r) => r.cost_usd)).toEqual([0.002, 0.002]);
    expect(records.filter((r) => r.variant === 'small').map((r) => r.cost_usd)).toEqual([0.0001, 0.0001]);
    expect(summary.spent_usd).toBeCloseTo(0.0042, 12);
  });

  it('serves a re-run from the cache without calling the model', async () => {
    const s = suite({ pricing: { 'model-big': { input: 1, output: 1 } } });
    const plan = () => planCalls([{ suite: s, cases: makeCases(10) }]);
    const first = fakeClient((_r, n) => ({ latency_ms: 100 + n, ttft_ms: 7 }));
    const firstRun = collect({ client: first.client, cacheDir: dir });
    await runCalls(plan(), firstRun.runOptions);
    expect(first.stats.calls).toHaveLength(20);

    const second = fakeClient(() => {
      throw new Error('must not be called');
    });
    const secondRun = collect({ client: second.client, cacheDir: dir });
    const summary = await runCalls(plan(), secondRun.runOptions);
    expect(second.stats.calls).toHaveLength(0);
    expect(summary).toMatchObject({ cached: 20, errors: 0, spent_usd: 0 });
    const byKey = (records: CaseRecord[]) => new Map(records.map((r) => [`${r.case_id}/${r.variant}`, r]));
    const before = byKey(firstRun.records);
    for (const [key, record] of byKey(secondRun.records)) {
      expect(record).toEqual({ ...before.get(key), cached: true, attempts: 0 });
    }
  });

  it('misses the cache when a provider header changes (X-Route v1 → v2), and hits it again for v1', async () => {
    const plan = (route: string) =>
      planCalls([
        {
          suite: suite({ providers: { local: provider('local', { headers: { 'X-Route': route } }) } }),
          cases: makeCases(5),
        },
      ]);
    const run = async (route: string) => {
      const fake = fakeClient();
      const summary = await runCalls(plan(route), collect({ client: fake.client, cacheDir: dir }).runOptions);
      return { calls: fake.stats.calls.length, cached: summary.cached };
    };
    expect(await run('v1')).toEqual({ calls: 10, cached: 0 });
    expect(await run('v2')).toEqual({ calls: 10, cached: 0 });
    expect(await run('v1')).toEqual({ calls: 0, cached: 10 });
  });

  it('treats a corrupt cache entry as a miss and calls the model for it only', async () => {
    const calls = planCalls([{ suite: suite(), cases: makeCases(3) }]);
    await runCalls(calls, collect({ client: fakeClient().client, cacheDir: dir }).runOptions);
    const corrupted = nth(calls, 1).cacheKey;
    await writeFile(join(dir, corrupted.slice(0, 2), `${corrupted}.json`), '{"text":');
    const again = fakeClient();
    const { records, runOptions } = collect({ client: again.client, cacheDir: dir });
    await runCalls(calls, runOptions);
    expect(again.stats.calls).toHaveLength(1);
    expect(nth(again.stats.calls, 0).messages).toEqual(nth(calls, 1).messages);
    expect(records.filter((r) => !r.cached)).toHaveLength(1);
    expect(await readdir(join(dir, corrupted.slice(0, 2)))).toContain(`${corrupted}.json`);
  });

  it('refuses to start when the estimate exceeds the budget, making no call', async () => {
    const fake = fakeClient();
    const s = suite({
      pricing: { 'model-big': { input: 1000, output: 1000 }, 'model-small': { input: 1000, output: 1000 } },
    });
    const { records, runOptions } = collect({ client: fake.client, maxCostUsd: 0.5 });
    const run = runCalls(iteratePlan([{ suite: s, cases: makeCases(50) }]), runOptions);
    await expect(run).rejects.toThrow(TunegateError);
    await expect(run).rejects.toMatchObject({ code: 'budget-estimate', exitCode: ExitCode.runtime });
    await expect(run).rejects.toThrow(/estimated cost \$[\d.]+ exceeds --max-cost-usd \$0\.5/);
    expect(fake.stats.calls).toHaveLength(0);
    expect(records).toHaveLength(0);
  });

  it('counts cached calls as free in the estimate, so a cached re-run passes a tiny budget', async () => {
    const s = suite({
      pricing: { 'model-big': { input: 1000, output: 1000 }, 'model-small': { input: 1000, output: 1000 } },
    });
    const calls = planCalls([{ suite: s, cases: makeCases(5) }]);
    await runCalls(calls, collect({ client: fakeClient().client, cacheDir: dir }).runOptions);
    const again = fakeClient();
    const { runOptions } = collect({ client: again.client, cacheDir: dir, maxCostUsd: 0.000001 });
    const summary = await runCalls(calls, runOptions);
    expect(summary).toMatchObject({ cached: 10, spent_usd: 0, budget_exhausted: false });
    expect(again.stats.calls).toHaveLength(0);
  });

  it('stops launching calls once spend reaches the budget and records the rest as not run', async () => {
    // The estimate assumes max_tokens = 1 ($1 a call, $10 in all); each response really uses 5 tokens ($5).
    const fake = fakeClient(() => ({ usage: { prompt: 0, completion: 5, cached: 0 } }));
    const s = suite({
      variants: [variant('big', { params: { max_tokens: 1 } })],
      pricing: { 'model-big': { input: 0, output: 1_000_000 } },
    });
    const { records, runOptions } = collect({ client: fake.client, maxCostUsd: 10, concurrency: 1 });
    const summary = await runCalls(planCalls([{ suite: s, cases: makeCases(10) }]), runOptions);
    expect(fake.stats.calls).toHaveLength(2);
    expect(records).toHaveLength(10);
    expect(records.filter((r) => r.error === 'not run: budget of $10 reached')).toHaveLength(8);
    expect(summary).toMatchObject({ budget_exhausted: true, spent_usd: 10, errors: 8, completed: 2, total: 10 });
  });

  it('records the remaining calls as not run when aborted', async () => {
    const controller = new AbortController();
    const fake = fakeClient();
    const records: CaseRecord[] = [];
    const summary = await runCalls(planCalls([{ suite: suite(), cases: makeCases(20) }]), {
      env: {},
      concurrency: 1,
      clientFor: () => fake.client,
      signal: controller.signal,
      onRecord: (record) => {
        records.push(record);
        if (records.length === 3) controller.abort();
      },
    });
    expect(records).toHaveLength(40);
    const notRun = records.filter((r) => r.error === 'not run: aborted');
    expect(notRun.length + fake.stats.calls.length).toBe(40);
    expect(fake.stats.calls.length).toBeLessThan(10);
    expect(summary.errors).toBe(notRun.length);
  });

  it('awaits async onRecord one record at a time, in completion order', async () => {
    // Every call waits until the test releases it, so the test decides the order calls complete in.
    const pending: { key: string; release: () => void }[] = [];
    let allInFlight: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      allInFlight = resolve;
    });
    const fake = fakeClient(
      (request) =>
        new Promise((resolve) => {
          const caseId = String(request.messages.at(-1)?.content).replace('message ', '');
          pending.push({ key: `${caseId}/${request.model.replace('model-', '')}`, release: () => resolve({}) });
          if (pending.length === 20) allInFlight();
        }),
    );
    let active = 0;
    let maxActive = 0;
    const seen: string[] = [];
    const wide = suite({ providers: { local: provider('local', { concurrency: 20 }) } });
    const run = runCalls(planCalls([{ suite: wide, cases: makeCases(10) }]), {
      env: {},
      clientFor: () => fake.client,
      onRecord: async (record, call: PlannedCall) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        expect(call.case.id).toBe(record.case_id);
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(`${record.case_id}/${record.variant}`);
        active -= 1;
      },
    });
    await inFlight;
    // An order unlike the plan's (every 7th call, wrapping around): records must follow it, not the plan.
    const completion = Array.from({ length: 20 }, (_, i) => nth(pending, (i * 7) % 20));
    for (const call of completion) call.release();
    const summary = await run;
    expect(seen).toEqual(completion.map((call) => call.key));
    expect(seen).not.toEqual(pending.map((call) => call.key));
    expect(maxActive).toBe(1);
    expect(summary.completed).toBe(20);
  });

  it('reports progress throttled, with a final report of the totals', async () => {
    const progress: Progress[] = [];
    const { runOptions } = collect({ client: fakeClient().client, onProgress: (p) => progress.push(p) });
    const summary = await runCalls(planCalls([{ suite: suite(), cases: makeCases(200) }]), runOptions);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(summary.elapsed_ms / 100) + 2);
    expect(progress.at(-1)).toMatchObject({ done: 400, total: 400, errors: 0 });
  });

  it('accepts a one-shot generator of calls even with a budget', async () => {
    const calls = planCalls([{ suite: suite(), cases: makeCases(3) }]);
    function* once() {
      yield* calls;
    }
    const fake = fakeClient();
    const { records, runOptions } = collect({ client: fake.client, maxCostUsd: 100 });
    const summary = await runCalls(once(), runOptions);
    expect(summary.total).toBe(6);
    expect(records).toHaveLength(6);
  });

  it('fails the run when a client cannot be built or onRecord throws', async () => {
    const calls = planCalls([{ suite: suite(), cases: makeCases(3) }]);
    const noKey = new TunegateError('missing-api-key', 'set LOCAL_KEY');
    await expect(
      runCalls(calls, {
        env: {},
        onRecord: () => {},
        clientFor: () => {
          throw noKey;
        },
      }),
    ).rejects.toBe(noKey);
    const { runOptions } = collect({ client: fakeClient().client });
    await expect(
      runCalls(calls, {
        ...runOptions,
        onRecord: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });
});
