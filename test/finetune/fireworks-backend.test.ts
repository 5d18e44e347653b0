import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { createOpenAIFineTuneBackend } from '../../src/providers/fine-tune.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import type { SimConfig } from '../../src/sim/index.js';
import type { LoadedSuite } from '../../src/suite/types.js';
import { createBackend } from '../../src/training/backends/index.js';
import { followJob } from '../../src/training/follow.js';
import { expectPlainWords, noSleep, rejection, simProvider, startBankingSim, trainingFile } from './helpers.js';

beforeAll(loadTokenizer);

const BASE = 'accounts/fireworks/models/llama-v3p1-8b-instruct';
const ENV = { FIREWORKS_API_KEY: 'fw-secret-0123456789' };

function spec(training_file: string, overrides: Partial<TrainingJobSpec> = {}): TrainingJobSpec {
  return { suite: 'banking', base_model: BASE, training_file, suffix: 'intents', idempotency_key: 'k1', ...overrides };
}

/** A simulator standing in for Fireworks; every request the backend sends is recorded. */
async function startFireworks(fineTuning: SimConfig['fine_tuning'] = {}, account = 'acme') {
  const { sim, cases } = await startBankingSim({ fine_tuning: { steps: 1, ...fineTuning } });
  const provider = simProvider(sim.url, { name: 'fw', api_key_env: 'FIREWORKS_API_KEY' });
  const suite = { file: 'evals/intents.yaml', providers: { fw: provider } } as unknown as LoadedSuite;
  const sent: { method: string; url: string; authorization: string | null }[] = [];
  const recording: typeof fetch = async (url, init) => {
    const headers = new Headers(init?.headers);
    sent.push({ method: init?.method ?? 'GET', url: String(url), authorization: headers.get('authorization') });
    return fetch(url, init);
  };
  const backend = (env: Record<string, string> = ENV) =>
    createBackend({ type: 'fireworks', provider: 'fw', account }, suite, env, {
      openai: createOpenAIFineTuneBackend,
      fetch: recording,
    });
  return { sim, cases, provider, backend, sent, control: `${new URL(sim.url).origin}/v1/accounts/${account}` };
}

describe('Fireworks supervised fine-tuning backend on the simulator', () => {
  it('creates and uploads a dataset, creates the job, follows it, and the output model answers', async () => {
    const { sim, cases, provider, backend, sent, control } = await startFireworks({
      accuracy_by_suffix: { intents: 0.75 },
    });
    const fireworks = backend();
    expect(fireworks.name).toBe('fireworks');
    const started = await fireworks.start(
      spec(await trainingFile(20), { validation_file: await trainingFile(10), epochs: 2 }),
    );
    expect(started).toMatchObject({ backend: 'fireworks', status: 'queued' });
    expect(started.id).toMatch(/^tunegate-[0-9a-f]{16}$/);
    expect(started.model).toBeUndefined();
    // Datasets named by the key, created then uploaded; then the job, also named by the key.
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.url.replace(control, ''))).toEqual([
      '/datasets',
      `/datasets/${started.id}-train:upload`,
      '/datasets',
      `/datasets/${started.id}-validation:upload`,
      `/supervisedFineTuningJobs?supervisedFineTuningJobId=${started.id}`,
    ]);
    expect(sent.every((r) => r.authorization === `Bearer ${ENV.FIREWORKS_API_KEY}`)).toBe(true);
    const dataset = (await (await fetch(`${control}/datasets/${started.id}-train`)).json()) as Record<string, unknown>;
    expect(dataset).toMatchObject({ state: 'READY', exampleCount: '20', format: 'CHAT' });

    const statuses: string[] = [];
    const watched = {
      ...fireworks,
      status: async (id: string) => {
        const job = await fireworks.status(id);
        statuses.push(job.status);
        return job;
      },
    };
    const done = await followJob(watched, started.id, { intervalMs: 1, sleep: noSleep });
    expect(statuses).toEqual(['running', 'running', 'succeeded']);
    expect(done.model).toBe(`accounts/acme/models/intents-${started.id.slice(-8)}`);
    expect(done.events.map((e) => e.message)).toEqual([
      `Job created: fine-tuning ${BASE} on accounts/acme/datasets/${started.id}-train`,
      `New fine-tuned model created: ${done.model}`,
    ]);
    const job = (await (await fetch(`${control}/supervisedFineTuningJobs/${started.id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(job).toMatchObject({
      name: `accounts/acme/supervisedFineTuningJobs/${started.id}`,
      state: 'JOB_STATE_COMPLETED',
      baseModel: BASE,
      outputModel: done.model,
      evaluationDataset: `accounts/acme/datasets/${started.id}-validation`,
      epochs: 2,
    });

    const client = createModelClient(provider, ENV);
    let correct = 0;
    for (const item of cases) {
      const answer = await client.complete({
        model: done.model as string,
        messages: [{ role: 'user', content: item.input }],
        params: {},
      });
      if (answer.text === item.expected) correct++;
    }
    expect(correct).toBe(150);
    expect(sim.stats.training).toMatchObject({ jobs_created: 1, models_trained: 1 });
  });

  it('takes a bare base name as one of Fireworks’ own models', async () => {
    const { backend, control } = await startFireworks();
    const started = await backend().start(spec(await trainingFile(10), { base_model: 'qwen2p5-7b-instruct' }));
    const job = (await (await fetch(`${control}/supervisedFineTuningJobs/${started.id}`)).json()) as {
      baseModel: string;
    };
    expect(job.baseModel).toBe('accounts/fireworks/models/qwen2p5-7b-instruct');
  });

  it('starts a job once per key: a restart reads the job by its id and sends nothing else', async () => {
    const { sim, backend, sent } = await startFireworks();
    const fireworks = backend();
    const file = await trainingFile(10);
    const first = await fireworks.start(spec(file));
    const before = sent.length;
    const again = await fireworks.start(spec(file));
    expect(again.id).toBe(first.id);
    expect(sent.slice(before).map((r) => r.method)).toEqual(['GET']);
    const other = await fireworks.start(spec(file, { idempotency_key: 'k2' }));
    expect(other.id).not.toBe(first.id);
    expect(sim.stats.training.jobs_created).toBe(2);
    // Both are listed under the account.
    const listed = (await (
      await fetch(`${new URL(sim.url).origin}/v1/accounts/acme/supervisedFineTuningJobs`)
    ).json()) as { supervisedFineTuningJobs: { name: string }[] };
    expect(listed.supervisedFineTuningJobs.map((j) => j.name.split('/').at(-1))).toEqual([other.id, first.id]);
  });

  it('cancels a job that has not finished', async () => {
    const { backend } = await startFireworks();
    const fireworks = backend();
    const started = await fireworks.start(spec(await trainingFile(10)));
    const cancelled = await fireworks.cancel?.(started.id);
    expect(cancelled).toMatchObject({ id: started.id, status: 'cancelled' });
    expect(cancelled?.events.at(-1)?.message).toBe('Job cancelled');
    const followed = await followJob(fireworks, started.id, { intervalMs: 1, sleep: noSleep });
    expect(followed.status).toBe('cancelled');
  });

  it('a 403 on job creation says the account may not fine-tune and what to check', async () => {
    const { sim, backend } = await startFireworks({ permission_denied: true });
    const error = await rejection(backend().start(spec(await trainingFile(10))));
    expect(error.code).toBe('fine-tuning-unavailable');
    expect(error.exitCode).toBe(ExitCode.runtime);
    expect(error.message).toBe(
      'the Fireworks account acme may not fine-tune (Fireworks said: Account is not permitted to create ' +
        'fine-tuning jobs (simulated PERMISSION_DENIED).). Check that the API key belongs to that account and may ' +
        'create fine-tuning jobs, and that the account has billing set up.',
    );
    expectPlainWords(error.message, [ENV.FIREWORKS_API_KEY]);
    expect(sim.stats.training).toMatchObject({ permission_denied: 1, jobs_created: 0 });
  });

  it('a 404 on job creation says the base model is not tunable and how to name one', async () => {
    const { backend } = await startFireworks({ fine_tunable: [BASE] });
    const error = await rejection(backend().start(spec(await trainingFile(10), { base_model: 'kimi-k2-instruct' })));
    expect(error.code).toBe('fine-tuning-unavailable');
    expect(error.message).toMatch(
      /^Fireworks cannot fine-tune accounts\/fireworks\/models\/kimi-k2-instruct \(Fireworks said: Model not found or not tunable: /,
    );
    expect(error.message).toContain('set training.base_model to accounts/fireworks/models/<name>');
    expectPlainWords(error.message, [ENV.FIREWORKS_API_KEY]);
  });

  it('a 404 for the account says which key to set', async () => {
    const { backend } = await startFireworks({ accounts: ['acme-inc'] });
    const error = await rejection(backend().start(spec(await trainingFile(10))));
    expect(error.message).toBe(
      'Fireworks has no account acme (Fireworks said: Account not found: accounts/acme); set ' +
        'training.backend.account to the account id of your Fireworks dashboard (accounts/<id>), not its display name.',
    );
    expectPlainWords(error.message, [ENV.FIREWORKS_API_KEY]);
  });

  it('needs the API key it names', async () => {
    const { backend } = await startFireworks();
    expect(() => backend({})).toThrow(/reads its Fireworks API key from \$FIREWORKS_API_KEY, which is not set/);
  });
});
