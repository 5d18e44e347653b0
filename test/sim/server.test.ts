import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { countTokens, loadTokenizer } from '../../src/providers/tokens.js';
import { type SimConfig, startSimulator } from '../../src/sim/index.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { chat, parseSse, post } from './helpers.js';

beforeAll(loadTokenizer);

const CASES = Array.from({ length: 50 }, (_, i) => ({ input: `question number ${i}`, expected: `label_${i % 5}` }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(config: Partial<SimConfig> = {}) {
  const sim = await startSimulator({ cases: CASES, models: { m: { accuracy: 1 } }, ...config });
  closers.push(sim.close);
  return sim;
}

function provider(url: string, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  const base = { name: 'sim', base_url: url, headers: {}, timeout_ms: 5000, max_retries: 6, concurrency: 8 };
  return { ...base, stream: false, stream_usage: true, ...overrides };
}

describe('streaming', () => {
  it('sends a role chunk, content pieces, a usage chunk with empty choices, then [DONE]', async () => {
    const sim = await start();
    const response = await post(
      sim.url,
      chat('m', 'question number 7', { stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-tunegate-simulator')).toBe('1');
    const { events, done } = parseSse(response.text);
    expect(done).toBe(true);
    const deltas = events.flatMap((e) => (e.choices as { delta: { content?: string } }[]).map((c) => c.delta));
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    const pieces = deltas.map((d) => d.content ?? '').filter((text) => text !== '');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('label_2');
    const last = events.at(-1) as { choices: unknown[]; usage: { completion_tokens: number } };
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBe(countTokens('label_2'));
  });

  it('sends no usage chunk unless include_usage is set', async () => {
    const sim = await start();
    const { events, done } = parseSse((await post(sim.url, chat('m', 'question number 7', { stream: true }))).text);
    expect(done).toBe(true);
    expect(events.every((e) => e.usage === undefined && (e.choices as unknown[]).length === 1)).toBe(true);
  });
});

describe('faults', () => {
  it('injects 429 and 5xx at roughly the configured rates, with retry headers, deterministically', async () => {
    const faults = { rate_429: 0.1, rate_500: 0.05, retry_after_ms: 1500 };
    const statuses = async () => {
      const sim = await start({ seed: 9, faults });
      const seen: number[] = [];
      for (let i = 0; i < 600; i++) {
        const response = await post(sim.url, chat('m', `question number ${i % 50}`));
        if (response.status === 429) {
          expect(response.headers.get('retry-after-ms')).toBe('1500');
          expect(response.headers.get('retry-after')).toBe('2');
          expect(JSON.parse(response.text).error.code).toBe('rate_limit_exceeded');
        }
        seen.push(response.status);
      }
      return { seen, stats: sim.stats };
    };
    const { seen, stats } = await statuses();
    const count = (status: number) => seen.filter((s) => s === status).length;
    // Binomial(600, 0.1): sd ≈ 7.3; Binomial(600, 0.05): sd ≈ 5.3.
    expect(count(429)).toBeGreaterThan(60 - 25);
    expect(count(429)).toBeLessThan(60 + 25);
    expect(count(500) + count(503)).toBeGreaterThan(30 - 18);
    expect(count(500) + count(503)).toBeLessThan(30 + 18);
    expect(stats.faults.rate_limited).toBe(count(429));
    expect(stats.by_status['200']).toBe(count(200));
    expect((await statuses()).seen).toEqual(seen);
  });

  it('lets retries succeed: every call completes despite 429s, 5xx and resets', async () => {
    const sim = await start({
      seed: 4,
      faults: { rate_429: 0.1, rate_500: 0.03, rate_reset: 0.05, retry_after_ms: 5 },
    });
    const client = createModelClient(provider(sim.url), {});
    const results = await Promise.all(
      CASES.map((item) =>
        client.complete({ model: 'm', messages: [{ role: 'user', content: item.input }], params: {} }),
      ),
    );
    expect(results.map((r) => r.text)).toEqual(CASES.map((item) => item.expected));
    const faults = sim.stats.faults;
    expect(faults.rate_limited + faults.server_error + faults.reset).toBeGreaterThan(0);
    expect(faults.reset).toBeGreaterThan(0);
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBe(sim.stats.completions);
  });

  it('drops the connection on a reset fault', async () => {
    const sim = await start({ faults: { rate_reset: 1 } });
    await expect(post(sim.url, chat('m', 'question number 1'))).rejects.toThrow();
    expect(sim.stats.faults.reset).toBe(1);
  });

  it('delays slow responses by slow_ms', async () => {
    const sim = await start({ faults: { rate_slow: 1, slow_ms: 150 } });
    const started = performance.now();
    const response = await post(sim.url, chat('m', 'question number 1'));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(sim.stats.faults.slow).toBe(1);
  });
});

describe('rate limit', () => {
  it('lets a burst through, then answers 429 with retry-after and OpenAI’s x-ratelimit headers', async () => {
    const sim = await start({ rate_limit: { requests_per_second: 2, burst: 3, retry_after_ms: 1000 } });
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await post(sim.url, chat('m', 'question number 1')));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    const first = responses[0]?.headers;
    expect(first?.get('x-ratelimit-limit-requests')).toBe('3');
    expect(first?.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(first?.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$/);
    const limited = responses[3];
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(limited?.headers.get('retry-after-ms')).toBe('1000');
    expect(limited?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(limited?.headers.get('x-ratelimit-reset-requests')).toMatch(/^1\.\d+s$/);
    expect(JSON.parse(limited?.text ?? '{}').error.code).toBe('rate_limit_exceeded');
    expect(sim.stats.throttled).toBe(2);
    expect(sim.stats.faults.rate_limited).toBe(0);
  });

  it('refills at requests_per_second', async () => {
    // One token every 500 ms: the second request comes long before it, even on a loaded machine.
    const sim = await start({ rate_limit: { requests_per_second: 2, burst: 1, headers: false } });
    expect((await post(sim.url, chat('m', 'question number 1'))).status).toBe(200);
    const limited = await post(sim.url, chat('m', 'question number 1'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 550));
    expect((await post(sim.url, chat('m', 'question number 1'))).status).toBe(200);
  });

  it('answers 404 model_not_found for unknown models by default, like the real API', async () => {
    const sim = await start();
    const unknown = await post(sim.url, chat('gpt-4.1-nanno', 'question number 1'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    expect(JSON.parse(unknown.text).error.message).toContain('gpt-4.1-nanno');
    expect((await post(sim.url, chat('m', 'question number 1'))).status).toBe(200);
  });

  it('answers any model with a configured default_model, as that model behaves', async () => {
    const sim = await start({ default_model: { accuracy: 0 } });
    const response = await post(sim.url, chat('nope', 'question number 1'));
    expect(response.status).toBe(200);
    expect(sim.stats.by_model.nope).toMatchObject({ requests: 1, wrong: 1, correct: 0 });
  });
});

describe('routes and safety', () => {
  it('lists configured models in the OpenAI shape', async () => {
    const sim = await start({ models: { big: { accuracy: 0.9 }, small: { accuracy: 0.7 } } });
    const response = await fetch(`${sim.url}/models`);
    expect(response.headers.get('x-tunegate-simulator')).toBe('1');
    const body = (await response.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => [m.id, m.object])).toEqual([
      ['big', 'model'],
      ['small', 'model'],
    ]);
  });

  it('answers unknown routes with 404 and bad bodies with 400, in the OpenAI error shape', async () => {
    const sim = await start();
    const missing = await fetch(`${sim.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-tunegate-simulator')).toBe('1');
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const badJson = await post(sim.url, '{"model": ');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text).error.message).toMatch(/JSON/);
    const noMessages = await post(sim.url, { model: 'm' });
    expect(noMessages.status).toBe(400);
    expect(sim.stats.by_status).toEqual({ '400': 2, '404': 1 });
  });

  it('accepts any path prefix before /chat/completions (Azure-style deployment URLs)', async () => {
    const sim = await start();
    const origin = sim.url.replace(/\/v1$/, '');
    const azureStyle = `${origin}/openai/deployments/m`;
    const response = await post(azureStyle, chat('m', 'question number 3'));
    expect(response.status).toBe(200);
  });

  it('refuses to listen on anything but loopback', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await expect(startSimulator({ cases: CASES, models: {} }, { host })).rejects.toBeInstanceOf(TunegateError);
    }
    const sim = await startSimulator({ cases: CASES, models: {} }, { host: 'localhost' });
    closers.push(sim.close);
    expect(sim.url).toMatch(/^http:\/\/localhost:\d+\/v1$/);
  });
});

describe('saved state', () => {
  it('refuses a damaged state file with what to do, and starts afresh without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-sim-state-'));
    const statePath = join(dir, 'sim-state.json');
    const fresh = await startSimulator({ cases: CASES, models: {} }, { statePath });
    expect((await fetch(`${fresh.url}/fine_tuning/jobs`)).status).toBe(200);
    await fresh.close();
    expect(JSON.parse(await readFile(statePath, 'utf8'))).toMatchObject({ version: 1, jobs: [], files: [] });
    await writeFile(statePath, '{"version":');
    await expect(startSimulator({ cases: CASES, models: {} }, { statePath })).rejects.toThrow(
      `${statePath}:1:1 is not a simulator state this version can read; delete it to start the simulator afresh`,
    );
  });
});
