import { afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { parseSimConfig, type SimConfig, startSimulator } from '../../src/sim/index.js';

const FIREWORKS = 'accounts/acme/models/banking77-llama-v3p1-8b';
const FINE_TUNE = 'ft:gpt-4.1-mini-2025-04-14:acme:x:1';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(config: Partial<SimConfig> = {}) {
  const sim = await startSimulator({
    cases: [],
    models: {
      'gpt-4.1-2025-04-14': { accuracy: 0.9, shutdown_date: '2027-01-14' },
      [FIREWORKS]: { accuracy: 0.9, shutdown_date: null },
      [FINE_TUNE]: { accuracy: 0.9 },
    },
    ...config,
  });
  closers.push(sim.close);
  return sim;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the simulator’s models routes', () => {
  it('lists every model with the shutdown_date its config gives (a date or null), OpenAI’s list shape', async () => {
    const sim = await start();
    const { status, body } = await getJson(`${sim.url}/models`);
    expect(status).toBe(200);
    expect(body.object).toBe('list');
    expect(body.data).toEqual([
      {
        id: 'gpt-4.1-2025-04-14',
        object: 'model',
        created: 0,
        owned_by: 'tunegate-simulator',
        shutdown_date: '2027-01-14',
      },
      { id: FIREWORKS, object: 'model', created: 0, owned_by: 'tunegate-simulator', shutdown_date: null },
      { id: FINE_TUNE, object: 'model', created: 0, owned_by: 'tunegate-simulator' },
    ]);
    expect(sim.stats.models).toBe(1);
  });

  it('retrieves one model, ids with / and : raw or percent-encoded', async () => {
    const sim = await start();
    const dated = await getJson(`${sim.url}/models/gpt-4.1-2025-04-14`);
    expect(dated.body).toMatchObject({ id: 'gpt-4.1-2025-04-14', object: 'model', shutdown_date: '2027-01-14' });
    for (const path of [FIREWORKS, encodeURIComponent(FIREWORKS), FINE_TUNE, encodeURIComponent(FINE_TUNE)]) {
      const { status, body } = await getJson(`${sim.url}/models/${path}`);
      expect(status).toBe(200);
      expect(body.id).toBe(decodeURIComponent(path));
    }
    expect(sim.stats.models).toBe(5);
    expect(sim.stats.completions).toBe(0);
  });

  it('answers 404 model_not_found for an unknown model, like the real API, unless a default_model catches all', async () => {
    const strict = await start();
    const missing = await getJson(`${strict.url}/models/gpt-4.1-nano`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    const lenient = await start({ default_model: { accuracy: 1 } });
    const served = await getJson(`${lenient.url}/models/gpt-4.1-nano`);
    expect(served).toEqual({
      status: 200,
      body: { id: 'gpt-4.1-nano', object: 'model', created: 0, owned_by: 'tunegate-simulator' },
    });
  });

  it('reads models.<id>.shutdown_date from its config and refuses what is not a date', () => {
    const config = parseSimConfig(
      { models: { a: { accuracy: 1, shutdown_date: '2027-01-14' }, b: { accuracy: 1, shutdown_date: null } } },
      'sim.yaml',
    );
    expect(config.models.a?.shutdown_date).toBe('2027-01-14');
    expect(config.models.b?.shutdown_date).toBeNull();
    let error: unknown;
    try {
      parseSimConfig({ models: { a: { accuracy: 1, shutdown_date: 'January 14' } } }, 'sim.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as Error).message).toContain(
      'models.a.shutdown_date: must be a date YYYY-MM-DD or null, got "January 14"',
    );
  });
});
