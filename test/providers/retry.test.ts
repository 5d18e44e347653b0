import { afterEach, describe, expect, it } from 'vitest';
import { createAttemptClient } from '../../src/providers/client.js';
import { parseDurationMs, readRateLimit, readRetryAfterMs } from '../../src/providers/rate-limit.js';
import { isRetryable, retryDelayMs, withRetries } from '../../src/providers/retry.js';
import { type ModelClient, ProviderError } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { completion, startScriptedServer } from './scripted-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

function provider(baseUrl: string, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  const base = { name: 'local', base_url: baseUrl, headers: {}, timeout_ms: 5000, max_retries: 4, concurrency: 8 };
  return { ...base, stream: false, stream_usage: true, ...overrides };
}

const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }], params: {} };

describe('rate-limit headers', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1m30.5s', 90_500],
    ['2h', 7_200_000],
    ['0.5', 500],
    ['7.66s', 7660],
  ])('reads the reset duration %s as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'soon', '5x', '1s later'])('refuses %j as a duration', (text) => {
    expect(parseDurationMs(text)).toBeNull();
  });

  it('reads remaining and reset for requests and tokens, only when both halves are present', () => {
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-remaining-tokens': '15000',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(readRateLimit(headers)).toEqual({
      requests: { remaining: 3, resetMs: 120 },
      tokens: { remaining: 15000, resetMs: 360_000 },
    });
    expect(readRateLimit(new Headers({ 'x-ratelimit-remaining-requests': '3' }))).toBeUndefined();
  });

  it('prefers retry-after-ms, then retry-after in seconds or as a date', () => {
    expect(readRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(readRetryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(readRetryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('retry policy', () => {
  const error = (kind: ProviderError['kind'], status?: number, hints = {}) =>
    new ProviderError(kind, `failed (after 1 attempt)`, status, 1, hints);

  it('retries rate limits, 5xx, 408/409, timeouts and connections; never bad requests or refused keys', () => {
    expect(isRetryable(error('rate_limited', 429))).toBe(true);
    expect(isRetryable(error('server_error', 503))).toBe(true);
    expect(isRetryable(error('timeout', 408))).toBe(true);
    expect(isRetryable(error('unknown', 409))).toBe(true);
    expect(isRetryable(error('connection'))).toBe(true);
    for (const status of [400, 404, 422]) expect(isRetryable(error('bad_request', status))).toBe(false);
    for (const status of [401, 403]) expect(isRetryable(error('auth', status))).toBe(false);
    expect(isRetryable(new TypeError('boom'))).toBe(false);
    expect(isRetryable(error('server_error', 500, { shouldRetry: false }))).toBe(false);
  });

  it('never waits less than the server asked, and spreads callers told the same wait', () => {
    const told = error('rate_limited', 429, { retryAfterMs: 1000 });
    expect(retryDelayMs(told, 0, () => 0)).toBe(1000);
    expect(retryDelayMs(told, 3, () => 1)).toBe(1500);
    const waits = new Set(Array.from({ length: 50 }, () => Math.round(retryDelayMs(told, 0))));
    expect(waits.size).toBeGreaterThan(10);
  });

  it('backs off exponentially with jitter when the server gives no hint, up to a cap', () => {
    const plain = error('server_error', 500);
    expect(retryDelayMs(plain, 0, () => 1)).toBe(500);
    expect(retryDelayMs(plain, 0, () => 0)).toBe(250);
    expect(retryDelayMs(plain, 2, () => 1)).toBe(2000);
    expect(retryDelayMs(plain, 10, () => 1)).toBe(8000);
    const tooLong = error('rate_limited', 429, { retryAfterMs: 3_600_000 });
    expect(retryDelayMs(tooLong, 0, () => 1)).toBe(500);
  });

  it('withRetries stops at max_retries, counts every attempt, and does not retry a final error', async () => {
    let calls = 0;
    const failing: ModelClient = {
      complete: async () => {
        calls += 1;
        throw error('rate_limited', 429, { retryAfterMs: 1 });
      },
    };
    const thrown = await withRetries(failing, 2)
      .complete(ask)
      .catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(thrown).toMatchObject({ kind: 'rate_limited', attempts: 3, message: 'failed (after 3 attempts)' });

    calls = 0;
    const final: ModelClient = {
      complete: async () => {
        calls += 1;
        throw error('bad_request', 400);
      },
    };
    await expect(withRetries(final, 5).complete(ask)).rejects.toMatchObject({ attempts: 1 });
    expect(calls).toBe(1);
  });
});

describe('createAttemptClient', () => {
  it('makes exactly one attempt and hands back the server’s retry hints', async () => {
    const server = await startScriptedServer([
      {
        status: 429,
        body: { error: { message: 'slow down' } },
        headers: {
          'retry-after': '1',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '850ms',
        },
      },
    ]);
    cleanups.push(server.close);
    const client = createAttemptClient(provider(server.url, { max_retries: 5 }), {});
    const thrown = await client.complete(ask).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({
      kind: 'rate_limited',
      attempts: 1,
      hints: { retryAfterMs: 1000, rateLimit: { requests: { remaining: 0, resetMs: 850 } } },
    });
    expect(server.seen).toHaveLength(1);
  });

  it.each([false, true])('is aborted by the caller’s signal at once (streaming: %s)', async (stream) => {
    const sim = await startSimulator({
      cases: [{ input: 'x', expected: 'label' }],
      models: { m: { accuracy: 1, latency_ms: 5000, ttft_fraction: 0.01 } },
    });
    cleanups.push(sim.close);
    const controller = new AbortController();
    const client = createAttemptClient(provider(sim.url, { stream }), {});
    setTimeout(() => controller.abort(), 100);
    // The answer takes 5 s: an abort that waited for it would end the call with that answer, not this error.
    const thrown = await client.complete(ask, controller.signal).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ kind: 'unknown', message: 'provider "local": request aborted (after 1 attempt)' });
  });

  it('reports the rate-limit headers of a successful answer', async () => {
    const server = await startScriptedServer([
      {
        status: 200,
        body: completion('ok'),
        headers: { 'x-ratelimit-remaining-tokens': '900', 'x-ratelimit-reset-tokens': '1s' },
      },
    ]);
    cleanups.push(server.close);
    const result = await createAttemptClient(provider(server.url), {}).complete(ask);
    expect(result).toMatchObject({ text: 'ok', attempts: 1, rateLimit: { tokens: { remaining: 900, resetMs: 1000 } } });
  });
});
