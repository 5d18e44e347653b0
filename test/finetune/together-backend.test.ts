import { beforeAll, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { createOpenAIFineTuneBackend } from '../../src/providers/fine-tune.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { followJob } from '../../src/training/follow.js';
import { noSleep, simProvider, startBankingSim, trainingFile } from './helpers.js';

beforeAll(loadTokenizer);

const BASE = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

function spec(training_file: string, overrides: Partial<TrainingJobSpec> = {}): TrainingJobSpec {
  return { suite: 'banking', base_model: BASE, training_file, suffix: 'intents', idempotency_key: 'k1', ...overrides };
}

describe('Together fine-tuning backend on the simulator', () => {
  it('uploads to /files/upload, starts /fine-tunes, follows pending → running → completed, and serves output_name', async () => {
    const { sim, cases } = await startBankingSim({ fine_tuning: { steps: 1, accuracy_by_suffix: { intents: 0.75 } } });
    const provider = simProvider(sim.url);
    const backend = createOpenAIFineTuneBackend(provider, {}, { api: 'together' });
    expect(backend.name).toBe('together');
    const started = await backend.start(spec(await trainingFile(20), { epochs: 3 }));
    expect(started).toMatchObject({ backend: 'together', status: 'queued' });
    // Together names the output up front; it only becomes the model once training completed.
    expect(started.model).toBeUndefined();

    const statuses: string[] = [];
    const watched = {
      ...backend,
      status: async (id: string) => {
        const job = await backend.status(id);
        statuses.push(job.status);
        return job;
      },
    };
    const done = await followJob(watched, started.id, { intervalMs: 1, sleep: noSleep });
    expect(done.status).toBe('succeeded');
    expect(done.model).toMatch(/^tunegate-sim\/Meta-Llama-3\.1-8B-Instruct-Reference-intents-[0-9a-f]{8}$/);
    // One poll starts the job, one reports the single step, one finishes it.
    expect(statuses).toEqual(['running', 'running', 'succeeded']);
    expect(done.events.map((e) => e.message)).toContain(`New fine-tuned model created: ${done.model}`);
    expect(done.events.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);

    const files = (await (await fetch(`${sim.url}/files`)).json()) as { data: { filename: string; purpose: string }[] };
    expect(files.data).toHaveLength(1);
    expect(files.data[0]?.filename).toMatch(/^tunegate-[0-9a-f]{16}-train-train\.jsonl$/);
    expect(files.data[0]?.purpose).toBe('fine-tune');

    const client = createModelClient(provider, {});
    let correct = 0;
    for (const item of cases.slice(0, 200)) {
      const answer = await client.complete({
        model: done.model as string,
        messages: [{ role: 'user', content: item.input }],
        params: {},
      });
      if (answer.text === item.expected) correct++;
    }
    expect(correct).toBe(150);
  });

  it('is idempotent by key: the same key finds its uploaded file and job, a new key starts another', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'together' });
    const file = await trainingFile(10);
    const first = await backend.start(spec(file));
    const again = await backend.start(spec(file));
    expect(again.id).toBe(first.id);
    expect(again.events.length).toBeGreaterThan(0);
    const other = await backend.start(spec(file, { idempotency_key: 'k2' }));
    expect(other.id).not.toBe(first.id);
    expect(sim.stats.training).toMatchObject({ files_uploaded: 2, jobs_created: 2 });
  });

  it('reports permission denied on /fine-tunes as fine-tuning unavailable', async () => {
    const { sim } = await startBankingSim({ fine_tuning: { permission_denied: true } });
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'together' });
    const error = await backend.start(spec(await trainingFile(10))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('fine-tuning-unavailable');
  });

  it('cancels a job that has not finished', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'together' });
    const started = await backend.start(spec(await trainingFile(10)));
    expect(await backend.cancel?.(started.id)).toMatchObject({ id: started.id, status: 'cancelled' });
    expect((await followJob(backend, started.id, { intervalMs: 1, sleep: noSleep })).status).toBe('cancelled');
  });
});
