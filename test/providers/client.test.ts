import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { countMessageTokens, countTokens, loadTokenizer } from '../../src/providers/tokens.js';
import { ProviderError } from '../../src/providers/types.js';
import { type SimConfig, startSimulator } from '../../src/sim/index.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { completion, startScriptedServer } from './scripted-server.js';

beforeAll(loadTokenizer);

const CASES = [
  { input: 'How do I locate my card?', expected: 'card_arrival' },
  { input: 'I want to change my PIN.', expected: 'change_pin' },
  { input: 'Why was I charged twice?', expected: 'transaction_charged_twice' },
];

function provider(baseUrl: string, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: 'local',
    base_url: baseUrl,
    headers: {},
    timeout_ms: 5000,
    max_retries: 2,
    concurrency: 8,
    stream: false,
    stream_usage: true,
    ...overrides,
  };
}

function ask(input: string) {
  return { model: 'small', messages: [{ role: 'user' as const, content: `Message: ${input}` }], params: {} };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function simulator(config: Partial<SimConfig> = {}) {
  const sim = await startSimulator({ cases: CASES, models: { small: { accuracy: 1 } }, ...config });
  cleanups.push(sim.close);
  return sim;
}

async function scripted(...replies: Parameters<typeof startScriptedServer>[0]) {
  const server = await startScriptedServer(replies);
  cleanups.push(server.close);
  return server;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('createModelClient against the simulator', () => {
  it('completes a plain call with usage, one attempt and the simulated flag', async () => {
    const sim = await simulator();
    const client = createModelClient(provider(sim.url), {});
    const request = ask(CASES[0]?.input ?? '');
    const result = await client.complete(request);
    expect(result.text).toBe('card_arrival');
    expect(result.usage).toEqual({
      prompt: countMessageTokens(request.messages),
      completion: countTokens('card_arrival'),
      cached: 0,
    });
    expect(result.attempts).toBe(1);
    expect(result.simulated).toBe(true);
    expect(result.latency_ms).toBeGreaterThan(0);
    expect(result.ttft_ms).toBeUndefined();
  });

  it('streams: text, usage from the final chunk and time to first token', async () => {
    const sim = await simulator({ models: { small: { accuracy: 1, latency_ms: 200, ttft_fraction: 0.25 } } });
    const client = createModelClient(provider(sim.url, { stream: true }), {});
    const result = await client.complete(ask(CASES[2]?.input ?? ''));
    expect(result.text).toBe('transaction_charged_twice');
    expect(result.usage?.completion).toBe(countTokens('transaction_charged_twice'));
    expect(result.ttft_ms).toBeGreaterThanOrEqual(40);
    expect(result.ttft_ms).toBeLessThan(result.latency_ms - 100);
    expect(result.latency_ms).toBeGreaterThanOrEqual(190);
  });

  it('streams without usage when stream_usage is off', async () => {
    const sim = await simulator();
    const client = createModelClient(provider(sim.url, { stream: true, stream_usage: false }), {});
    const result = await client.complete(ask(CASES[1]?.input ?? ''));
    expect(result.text).toBe('change_pin');
    expect(result.usage).toBeNull();
    expect(result.ttft_ms).toBeDefined();
  });

  it('honours retry-after-ms on 429 and gives up with kind rate_limited after max_retries', async () => {
    const sim = await simulator({ faults: { rate_429: 1, retry_after_ms: 50 } });
    const client = createModelClient(provider(sim.url, { max_retries: 3 }), {});
    // The waits asked for, not the time they took (bench/units.ts measures that): the timers of this call.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const error = await failure(client.complete(ask(CASES[0]?.input ?? '')));
    const waits = timers.mock.calls.map(([, ms]) => ms ?? 0).filter((ms) => ms > 0 && ms < provider('').timeout_ms);
    timers.mockRestore();
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.attempts).toBe(4);
    expect(sim.stats.completions).toBe(4);
    // Three waits of 50 ms stretched by up to half (jitter); the SDK's own backoff would start at 500 ms.
    expect(waits).toHaveLength(3);
    for (const ms of waits) expect(ms).toSatisfy((wait: number) => wait >= 50 && wait <= 75);
  });

  it('counts attempts per call when concurrent calls are retried', async () => {
    const sim = await simulator({ seed: 7, faults: { rate_429: 0.3, retry_after_ms: 5 } });
    const client = createModelClient(provider(sim.url, { max_retries: 8 }), {});
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.complete(ask(CASES[i % 3]?.input ?? ''))),
    );
    const attempts = results.map((r) => r.attempts);
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(sim.stats.completions);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    expect(results.every((r, i) => r.text === CASES[i % 3]?.expected)).toBe(true);
  });

  it('maps exhausted 5xx retries to server_error', async () => {
    const sim = await simulator({ faults: { rate_500: 1 } });
    const client = createModelClient(provider(sim.url, { max_retries: 1 }), {});
    const error = await failure(client.complete(ask(CASES[0]?.input ?? '')));
    expect(error.kind).toBe('server_error');
    expect([500, 503]).toContain(error.status);
    expect(error.attempts).toBe(2);
  });

  it('maps connection resets to connection and slow answers to timeout', async () => {
    const resets = await simulator({ faults: { rate_reset: 1 } });
    const resetError = await failure(
      createModelClient(provider(resets.url, { max_retries: 1 }), {}).complete(ask(CASES[0]?.input ?? '')),
    );
    expect(resetError.kind).toBe('connection');
    expect(resetError.attempts).toBe(2);

    const slow = await simulator({ models: { small: { accuracy: 1, latency_ms: 1000 } } });
    const timeoutError = await failure(
      createModelClient(provider(slow.url, { max_retries: 0, timeout_ms: 100 }), {}).complete(
        ask(CASES[0]?.input ?? ''),
      ),
    );
    expect(timeoutError.kind).toBe('timeout');
  });
});

describe('createModelClient against a scripted server', () => {
  it('retries a 500 and succeeds, counting both attempts; not simulated', async () => {
    const server = await scripted(
      { status: 500, body: { error: { message: 'boom' } } },
      { status: 200, body: completion('ok') },
    );
    const result = await createModelClient(provider(server.url), {}).complete(ask('x'));
    expect(result.text).toBe('ok');
    expect(result.attempts).toBe(2);
    expect(result.simulated).toBe(false);
    expect(result.usage).toEqual({ prompt: 12, completion: 2, cached: 0 });
  });

  it('never puts the API key in an error message', async () => {
    const key = 'sk-test-0123456789abcdefSECRET';
    const server = await scripted({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${key}. Also sk-tes*****CRET.` } },
    });
    const client = createModelClient(provider(server.url, { api_key_env: 'LOCAL_KEY' }), { LOCAL_KEY: key });
    const error = await failure(client.complete(ask('x')));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(1);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toContain('sk-tes');
    expect(error.message).toContain('local');
    expect(server.seen[0]?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('maps 400/404/422 to bad_request without retrying', async () => {
    for (const status of [400, 404, 422]) {
      const server = await scripted({ status, body: { error: { message: 'nope' } } });
      const error = await failure(createModelClient(provider(server.url), {}).complete(ask('x')));
      expect(error.kind).toBe('bad_request');
      expect(error.attempts).toBe(1);
      expect(server.seen).toHaveLength(1);
    }
  });

  it('sends headers, params, and the Azure api-version query and api-key header', async () => {
    const server = await scripted({ status: 200, body: completion('ok') });
    const spec = provider(server.url, {
      api_key_env: 'AZ_KEY',
      api_version: '2024-10-21',
      headers: { 'X-Team': 'search' },
    });
    await createModelClient(spec, { AZ_KEY: 'azure-key' }).complete({
      ...ask('x'),
      params: { temperature: 0, max_tokens: 4 },
    });
    const seen = server.seen[0];
    expect(seen?.url).toContain('api-version=2024-10-21');
    expect(seen?.headers['api-key']).toBe('azure-key');
    expect(seen?.headers['x-team']).toBe('search');
    expect(seen?.body).toMatchObject({ model: 'small', temperature: 0, max_tokens: 4 });
  });

  it('sends a header read from the environment and redacts it, as written and JSON-escaped, from errors', async () => {
    const token = 'tok"en\\0123456789';
    const server = await scripted({
      status: 400,
      body: { error: { message: `bad token ${token}; as JSON: ${JSON.stringify({ token })}` } },
    });
    const spec = provider(server.url, { headers: { 'X-Api-Token': { env: 'TOKEN' }, 'X-Route': 'v2' } });
    const error = await failure(createModelClient(spec, { TOKEN: token }).complete(ask('x')));
    expect(server.seen[0]?.headers['x-api-token']).toBe(token);
    expect(server.seen[0]?.headers['x-route']).toBe('v2');
    expect(error.message).toContain('bad token [redacted]; as JSON: {"token":"[redacted]"}');
    expect(error.message).not.toContain('0123456789');
  });

  it('refuses to build a client whose header variable is unset', () => {
    const spec = provider('http://127.0.0.1:1/v1', { headers: { 'X-Api-Token': { env: 'NOT_SET' } } });
    expect(() => createModelClient(spec, { NOT_SET: '' })).toThrow(
      /header "X-Api-Token" from \$NOT_SET, which is not set/,
    );
  });

  it('refuses to build a client whose key variable is unset', () => {
    expect(() => createModelClient(provider('http://127.0.0.1:1/v1', { api_key_env: 'NOT_SET' }), {})).toThrow(
      TunegateError,
    );
  });
});
