import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookUpLifecycle } from '../../src/providers/lifecycle.js';
import { openLifecycleCache } from '../../src/providers/lifecycle-cache.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { unusedLoopbackPort } from '../loopback.js';

const NOW = new Date('2026-12-02T08:00:00Z');

function provider(overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: 'p',
    headers: {},
    timeout_ms: 5000,
    max_retries: 3,
    concurrency: 4,
    stream: false,
    stream_usage: true,
    ...overrides,
  };
}

describe('lookUpLifecycle', () => {
  let sim: RunningSimulator;
  const noCache = () => openLifecycleCache(undefined, 'off', NOW);

  beforeAll(async () => {
    sim = await startSimulator({
      cases: [],
      models: {
        'gpt-4.1-2025-04-14': { accuracy: 1, shutdown_date: '2027-01-14' },
        'ft:gpt-4.1-2025-04-14:acme:x:1': { accuracy: 1 },
        'accounts/fireworks/models/llama-v3p1-8b-instruct': { accuracy: 1, shutdown_date: '2027-03-01' },
        'accounts/acme/models/banking77': { accuracy: 1 },
        'gpt-5.5': { accuracy: 1, shutdown_date: null },
        'gpt-4o-mini': { accuracy: 1, shutdown_date: null },
        'ft:gpt-4o-mini-2024-07-18:acme:x:3': { accuracy: 1, shutdown_date: null },
      },
    });
  });
  afterAll(() => sim?.close());

  it('takes the provider’s date, with OpenAI’s suggestion from the table, days counted from the injected date', async () => {
    const lookup = { env: {}, now: NOW, cache: await noCache(), askProviders: true };
    const onSim = provider({ base_url: sim.url });
    expect(await lookUpLifecycle(onSim, { model: 'gpt-4.1-2025-04-14' }, lookup)).toEqual({
      model: 'gpt-4.1-2025-04-14',
      shutdown_date: '2027-01-14',
      days_left: 43,
      source: 'provider',
      replacement: 'gpt-6-luna',
    });
  });

  it('gives a fine-tune its base’s date: an ft: id, or base_model (ids with / asked as they are)', async () => {
    const lookup = { env: {}, now: NOW, cache: await noCache(), askProviders: true };
    const onSim = provider({ base_url: sim.url });
    const ft = await lookUpLifecycle(onSim, { model: 'ft:gpt-4.1-2025-04-14:acme:x:1' }, lookup);
    expect(ft).toMatchObject({ model: 'gpt-4.1-2025-04-14', shutdown_date: '2027-01-14', source: 'provider' });
    const fireworks = await lookUpLifecycle(
      onSim,
      { model: 'accounts/acme/models/banking77', base_model: 'accounts/fireworks/models/llama-v3p1-8b-instruct' },
      lookup,
    );
    expect(fireworks).toMatchObject({
      model: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
      shutdown_date: '2027-03-01',
      days_left: 89,
      replacement: null,
    });
  });

  it('falls back to the built-in table only on the openai platform', async () => {
    const lookup = { env: {}, now: NOW, cache: await noCache(), askProviders: true };
    // The simulator does not serve gpt-4.1-nano (404): the table says it shut down.
    const openai = provider({ base_url: sim.url, platform: 'openai' });
    expect(await lookUpLifecycle(openai, { model: 'ft:gpt-4.1-nano-2025-04-14:acme:x:2' }, lookup)).toEqual({
      model: 'gpt-4.1-nano-2025-04-14',
      shutdown_date: '2026-10-23',
      days_left: -40,
      source: 'built-in',
      replacement: null,
    });
    // The provider says null for gpt-5.5 and the table has nothing: no date.
    expect(await lookUpLifecycle(openai, { model: 'gpt-5.5' }, lookup)).toMatchObject({
      shutdown_date: null,
      source: null,
    });
    // "None announced" (null) is believed for a base model, even over the table; for a fine-tune the base decides.
    expect(await lookUpLifecycle(openai, { model: 'gpt-4o-mini' }, lookup)).toMatchObject({ shutdown_date: null });
    expect(await lookUpLifecycle(openai, { model: 'ft:gpt-4o-mini-2024-07-18:acme:x:3' }, lookup)).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      shutdown_date: '2027-01-14',
      source: 'built-in',
    });
    const other = provider({ base_url: sim.url });
    expect(await lookUpLifecycle(other, { model: 'gpt-4.1-nano' }, lookup)).toEqual({
      model: 'gpt-4.1-nano',
      shutdown_date: null,
      days_left: null,
      source: null,
      replacement: null,
    });
  });

  it('takes a provider that is down, or has no key, as not saying: no error, one quick attempt', async () => {
    const lookup = { env: {}, now: NOW, cache: await noCache(), askProviders: true };
    const down = provider({
      base_url: `http://127.0.0.1:${await unusedLoopbackPort()}/v1`,
      platform: 'openai',
      max_retries: 8,
    });
    const result = await lookUpLifecycle(down, { model: 'gpt-4.1' }, lookup);
    expect(result).toMatchObject({ shutdown_date: '2027-01-14', source: 'built-in' });
    // One attempt, counted where it lands (not timed): a server that drops every connection it accepts.
    const dropper = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    let connections = 0;
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const { port } = dropper.address() as { port: number };
    const dropping = provider({ base_url: `http://127.0.0.1:${port}/v1`, platform: 'openai', max_retries: 8 });
    const dropped = await lookUpLifecycle(dropping, { model: 'gpt-4.1' }, lookup);
    await new Promise<void>((resolve) => dropper.close(() => resolve()));
    expect(dropped).toMatchObject({ shutdown_date: '2027-01-14', source: 'built-in' });
    expect(connections).toBe(1);
    const keyless = provider({ base_url: sim.url, api_key_env: 'NOT_SET' });
    const before = sim.stats.models;
    expect(await lookUpLifecycle(keyless, { model: 'gpt-4.1-2025-04-14' }, lookup)).toMatchObject({ source: null });
    expect(sim.stats.models).toBe(before);
  });

  it('keeps the provider’s answers for a day in lifecycle.json of the cache dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-lifecycle-'));
    const onSim = provider({ base_url: sim.url });
    const variant = { model: 'gpt-4.1-2025-04-14' };
    const ask = async (now: Date, mode: 'use' | 'refresh' = 'use') => {
      const cache = await openLifecycleCache(dir, mode, now);
      const result = await lookUpLifecycle(onSim, variant, { env: {}, now, cache, askProviders: true });
      await cache.save();
      return result;
    };
    const before = sim.stats.models;
    await ask(NOW);
    expect(sim.stats.models).toBe(before + 1);
    const stored = JSON.parse(await readFile(join(dir, 'lifecycle.json'), 'utf8'));
    expect(Object.values(stored.answers)).toEqual([{ shutdown_date: '2027-01-14', asked_at: NOW.toISOString() }]);
    // Within a day: answered from the file, with days counted from the new date.
    const later = new Date(NOW.getTime() + 23 * 3600_000);
    expect(await ask(later)).toMatchObject({ shutdown_date: '2027-01-14', source: 'provider', days_left: 42 });
    expect(sim.stats.models).toBe(before + 1);
    // A refresh, or a day later: asked again.
    await ask(later, 'refresh');
    expect(sim.stats.models).toBe(before + 2);
    await ask(new Date(later.getTime() + 25 * 3600_000));
    expect(sim.stats.models).toBe(before + 3);
  });
});
