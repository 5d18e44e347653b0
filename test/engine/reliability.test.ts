import { beforeAll, describe, expect, it } from 'vitest';
import { createPriceLookup } from '../../src/engine/budget.js';
import { planCalls } from '../../src/engine/plan.js';
import { BudgetGuard } from '../../src/engine/reservation.js';
import { runCalls } from '../../src/engine/run.js';
import type { CaseRecord, RunOptions } from '../../src/engine/types.js';
import { countMessageTokens, loadTokenizer } from '../../src/providers/tokens.js';
import { type ModelClient, ProviderError } from '../../src/providers/types.js';
import { fakeClient, makeCases, provider, suite, variant } from './helpers.js';

beforeAll(loadTokenizer);

function failure(kind: ProviderError['kind'], status?: number, hints = {}) {
  return new ProviderError(kind, `provider "local": ${status ?? kind} (after 1 attempt)`, status, 1, hints);
}

/** Every record of the run, and every case delivered exactly once. */
function collect(options: Partial<RunOptions> & { client: ModelClient }) {
  const records: CaseRecord[] = [];
  const { client, ...rest } = options;
  const runOptions: RunOptions = {
    env: {},
    clientFor: () => client,
    onRecord: (record) => {
      records.push(record);
    },
    ...rest,
  };
  return { records, runOptions };
}

function retrying(overrides = {}) {
  return suite({ providers: { local: provider('local', { max_retries: 2, ...overrides }) } });
}

describe('final retry sweep', () => {
  it('recovers calls that failed every retry of the main pass, and reports each case once', async () => {
    const failures = new Map<string, number>();
    // Cases 0-4 fail 4 times in a row (more than max_retries 2 allows), then answer.
    const fake = fakeClient((request) => {
      const content = request.messages.at(-1)?.content ?? '';
      const key = `${request.model}/${content}`;
      const seen = failures.get(key) ?? 0;
      if (/^message [0-4]$/.test(content) && seen < 4) {
        failures.set(key, seen + 1);
        throw failure('server_error', 503, { retryAfterMs: 1 });
      }
      return {};
    });
    const { records, runOptions } = collect({ client: fake.client });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(10) }]), runOptions);
    expect(summary).toMatchObject({ total: 20, completed: 20, errors: 0, recovered: 10 });
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.error === null)).toBe(true);
    expect(new Set(records.map((r) => `${r.case_id}/${r.variant}`)).size).toBe(20);
    const recovered = records.filter((r) => Number(r.case_id) < 5);
    expect(recovered.every((r) => r.attempts === 5)).toBe(true);
  });

  it('does not retry final errors, nor anything when max_retries is 0', async () => {
    const badRequest = fakeClient((request) => {
      if (request.messages.at(-1)?.content === 'message 1') throw failure('bad_request', 400);
      return {};
    });
    const first = collect({ client: badRequest.client });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(3) }]), first.runOptions);
    expect(summary).toMatchObject({ errors: 2, recovered: 0 });
    expect(badRequest.stats.calls).toHaveLength(6);

    const flaky = fakeClient(() => {
      throw failure('server_error', 500, { retryAfterMs: 1 });
    });
    const second = collect({ client: flaky.client });
    const noRetries = await runCalls(
      planCalls([{ suite: retrying({ max_retries: 0 }), cases: makeCases(3) }]),
      second.runOptions,
    );
    expect(noRetries).toMatchObject({ errors: 6, recovered: 0 });
    expect(flaky.stats.calls).toHaveLength(6);
  });

  it('stops within its time bound and reports the last error', async () => {
    const down = fakeClient(() => {
      throw failure('server_error', 503, { retryAfterMs: 5 });
    });
    const { records, runOptions } = collect({ client: down.client, finalRetryMs: 300 });
    // A sweep that ignored its bound would retry forever: the test's timeout fails it.
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(2) }]), runOptions);
    expect(summary).toMatchObject({ errors: 4, recovered: 0 });
    expect(records.every((r) => r.error?.includes('503'))).toBe(true);
    // The main pass made 3 attempts per call; the sweep made more.
    expect(down.stats.calls.length).toBeGreaterThan(12);
  });
});

describe('fail-fast', () => {
  it('stops calling a provider after consecutive connection failures', async () => {
    const refused = fakeClient(() => {
      throw failure('connection', undefined);
    });
    const { records, runOptions } = collect({ client: refused.client, concurrency: 2 });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(100) }]), runOptions);
    expect(summary.errors).toBe(200);
    expect(refused.stats.calls.length).toBeLessThanOrEqual(8);
    const notRun = records.filter((r) => r.error?.startsWith('not run: provider local unreachable (connection)'));
    expect(notRun.length).toBeGreaterThan(190);
    expect(notRun.every((r) => r.attempts === 0)).toBe(true);
  });

  it('stops a provider at once on 401/403, and only the missing model on 404', async () => {
    const auth = fakeClient(() => {
      throw failure('auth', 401);
    });
    const first = collect({ client: auth.client, concurrency: 1 });
    await runCalls(planCalls([{ suite: retrying(), cases: makeCases(20) }]), first.runOptions);
    expect(auth.stats.calls).toHaveLength(1);
    expect(first.records.filter((r) => r.error?.startsWith('not run: provider local refused access'))).toHaveLength(39);

    const missing = fakeClient((request) => {
      if (request.model === 'model-big') throw failure('bad_request', 404);
      return {};
    });
    const second = collect({ client: missing.client, concurrency: 1 });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(20) }]), second.runOptions);
    expect(missing.stats.calls.filter((c) => c.model === 'model-big')).toHaveLength(1);
    expect(summary).toMatchObject({ completed: 20, errors: 20 });
    expect(second.records.filter((r) => r.error?.startsWith('not run: model model-big not found'))).toHaveLength(19);
  });
});

describe('rate limits', () => {
  it('pauses the provider until the reset its headers announce when nothing is left', async () => {
    const starts: number[] = [];
    const fake = fakeClient(() => {
      starts.push(performance.now());
      return starts.length === 1 ? { rateLimit: { requests: { remaining: 0, resetMs: 300 } } } : {};
    });
    const { runOptions } = collect({ client: fake.client, concurrency: 1 });
    await runCalls(planCalls([{ suite: retrying(), cases: makeCases(2) }]), runOptions);
    expect(starts).toHaveLength(4);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('pauses until the reset a 429’s headers announce, longer than its own backoff', async () => {
    const starts: number[] = [];
    const fake = fakeClient(() => {
      starts.push(performance.now());
      if (starts.length === 1)
        throw failure('rate_limited', 429, { rateLimit: { requests: { remaining: 0, resetMs: 800 } } });
      return {};
    });
    const { runOptions } = collect({ client: fake.client, concurrency: 1 });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(1) }]), runOptions);
    expect(summary.errors).toBe(0);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(790);
  });

  it('halves the concurrency on a burst of 429s and lets retries wait for a slot', async () => {
    let inFlight = 0;
    const inFlightAtStart: number[] = [];
    // A server taking 8 requests at a time: every request beyond is refused.
    const fake = fakeClient(() => {
      inFlight += 1;
      inFlightAtStart.push(inFlight);
      const over = inFlight > 8;
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          inFlight -= 1;
          if (over) reject(failure('rate_limited', 429, { retryAfterMs: 5 }));
          else resolve({});
        }, 5),
      );
    });
    const { runOptions } = collect({ client: fake.client, concurrency: 64 });
    const summary = await runCalls(
      planCalls([{ suite: retrying({ max_retries: 8 }), cases: makeCases(300) }]),
      runOptions,
    );
    expect(summary.errors).toBe(0);
    const late = inFlightAtStart.slice(-200);
    expect(Math.max(...late)).toBeLessThanOrEqual(32);
  });
});

describe('graceful stop', () => {
  it('starts nothing new, lets calls in flight finish within the grace, and records the rest', async () => {
    const stop = new AbortController();
    const fake = fakeClient((_request, n) => {
      if (n === 3) stop.abort();
      return new Promise((resolve) => setTimeout(() => resolve({}), 50));
    });
    const { records, runOptions } = collect({ client: fake.client, concurrency: 4, stopSignal: stop.signal });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(50) }]), runOptions);
    expect(summary.interrupted).toBe(true);
    expect(records).toHaveLength(100);
    const answered = records.filter((r) => r.error === null);
    expect(answered).toHaveLength(fake.stats.calls.length);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    expect(answered.length).toBeLessThanOrEqual(4);
    expect(records.filter((r) => r.error === 'not run: interrupted')).toHaveLength(100 - answered.length);
  });

  it('aborts calls that outlast the grace', async () => {
    const stop = new AbortController();
    const fake = fakeClient(
      (_request, n, signal) =>
        new Promise((resolve, reject) => {
          if (n === 2) stop.abort();
          const timer = setTimeout(() => resolve({}), 10_000);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('request aborted'));
          });
        }),
    );
    const { records, runOptions } = collect({
      client: fake.client,
      concurrency: 2,
      stopSignal: stop.signal,
      stopGraceMs: 50,
    });
    // Calls answer after 10 s unless aborted: an answer would be a success, not the interrupted errors below.
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(10) }]), runOptions);
    expect(summary).toMatchObject({ interrupted: true, errors: 20, completed: 0 });
    expect(records.filter((r) => r.error === 'interrupted: request aborted')).toHaveLength(2);
  });

  it('says not interrupted when nothing stopped the run', async () => {
    const { runOptions } = collect({ client: fakeClient().client, stopSignal: new AbortController().signal });
    const summary = await runCalls(planCalls([{ suite: retrying(), cases: makeCases(3) }]), runOptions);
    expect(summary).toMatchObject({ interrupted: false, completed: 6 });
  });
});

describe('budget guard', () => {
  it('overspends by less than one call’s worst case at concurrency 256 with long completions', async () => {
    // Short gold answers make the estimate small; the model then answers with 2,000 tokens per call.
    const s = suite({
      providers: { local: provider('local', { concurrency: 256 }) },
      variants: [variant('big', { model: 'gpt-4.1' })],
    });
    const calls = planCalls([{ suite: s, cases: makeCases(2000) }]);
    const fake = fakeClient((request) => ({
      usage: { prompt: countMessageTokens(request.messages), completion: 2000, cached: 0 },
    }));
    const limit = 1;
    const { runOptions } = collect({ client: fake.client, maxCostUsd: limit });
    const summary = await runCalls(calls, runOptions);
    const worstCase = (countMessageTokens(calls[0]?.messages ?? []) * 2 + 2000 * 8) / 1e6;
    expect(summary.budget_exhausted).toBe(true);
    expect(summary.spent_usd).toBeGreaterThan(limit * 0.9);
    expect(summary.spent_usd - limit).toBeLessThan(worstCase);
  });

  it('reserves max_tokens as the worst case and admits a call only while it fits', () => {
    const s = suite({ variants: [variant('big', { model: 'gpt-4.1', params: { max_tokens: 1000 } })] });
    const [call] = planCalls([{ suite: s, cases: makeCases(1) }]);
    if (!call) throw new Error('no call');
    const worst = (countMessageTokens(call.messages) * 2 + 1000 * 8) / 1e6;
    const guard = new BudgetGuard(
      worst * 2.5,
      createPriceLookup((x) => x.pricing),
    );
    const admitted = guard.admit(call);
    expect(admitted).toEqual({ reserve: worst });
    guard.hold(call, worst);
    guard.hold(call, worst);
    expect(guard.admit(call)).toBe('wait');
    guard.settle(call, worst, worst / 10, { prompt: 1, completion: 100, cached: 0 }, true);
    expect(guard.admit(call)).toEqual({ reserve: worst });
    guard.settle(call, worst, worst, { prompt: 1, completion: 1000, cached: 0 }, true);
    expect(guard.spent).toBeCloseTo(worst * 1.1, 12);
    guard.hold(call, worst);
    expect(guard.admit(call)).toBe('wait');
    guard.settle(call, worst, worst, null, true);
    expect(guard.admit(call)).toBe('exhausted');
  });
});
