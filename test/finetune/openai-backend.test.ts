import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, TunegateError } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { createOpenAIFineTuneBackend } from '../../src/providers/fine-tune.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { followJob } from '../../src/training/follow.js';
import { noSleep, simProvider, startBankingSim, trainingFile } from './helpers.js';

beforeAll(loadTokenizer);

const BASE = 'gpt-4.1-nano-2025-04-14';

function spec(training_file: string, overrides: Partial<TrainingJobSpec> = {}): TrainingJobSpec {
  return { suite: 'banking', base_model: BASE, training_file, idempotency_key: 'banking@abc123', ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<TunegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TunegateError);
  return error as TunegateError;
}

describe('OpenAI fine-tuning backend on the simulator', () => {
  it('uploads, creates, follows the job to success, and the new model answers with its configured accuracy', async () => {
    const { sim, cases } = await startBankingSim({
      fine_tuning: { steps: 2, accuracy: 0.5, accuracy_by_suffix: { intents: 0.8 } },
    });
    const provider = simProvider(sim.url);
    const backend = createOpenAIFineTuneBackend(provider, {}, { api: 'openai' });
    const started = await backend.start(
      spec(await trainingFile(12), {
        validation_file: await trainingFile(10, 'valid.jsonl'),
        suffix: 'intents',
        epochs: 2,
      }),
    );
    expect(started).toMatchObject({ backend: 'openai', status: 'queued' });
    expect(started.model).toBeUndefined();
    expect(started.events[0]?.message).toMatch(/^Validating training file: file-/);
    expect(sim.stats.training.files_uploaded).toBe(2);

    const seen: string[] = [];
    const done = await followJob(backend, started.id, {
      intervalMs: 1,
      sleep: noSleep,
      onEvent: (e) => seen.push(e.message),
    });
    expect(done.status).toBe('succeeded');
    expect(done.model).toMatch(new RegExp(`^ft:${BASE}:tunegate-sim:intents:[0-9a-f]{8}$`));
    // Every event once, oldest first: validation, start, the two steps, the new model, completion.
    expect(seen).toEqual(done.events.map((e) => e.message));
    expect(seen).toHaveLength(7);
    expect(seen[2]).toBe('Fine-tuning job started');
    expect(seen.slice(3, 5).map((m) => m.replace(/=.*/, ''))).toEqual([
      'Step 1/2: training loss',
      'Step 2/2: training loss',
    ]);
    expect(seen[5]).toBe(`New fine-tuned model created: ${done.model}`);
    expect(sim.stats.training).toMatchObject({ jobs_created: 1, models_trained: 1, job_polls: 4 });

    const client = createModelClient(provider, {});
    let correct = 0;
    for (const item of cases) {
      const result = await client.complete({
        model: done.model as string,
        messages: [{ role: 'user', content: item.input }],
        params: {},
      });
      if (result.text === item.expected) correct++;
    }
    expect(correct).toBe(160);
    expect(sim.stats.by_model[done.model as string]).toMatchObject({ requests: 200, correct: 160, wrong: 40 });
    const models = (await (await fetch(`${sim.url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain(done.model);
  });

  it('starts a job once per idempotency key: the second start returns it without uploading again', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const file = await trainingFile(10);
    const first = await backend.start(spec(file));
    const again = await backend.start(spec(file));
    expect(again.id).toBe(first.id);
    const other = await backend.start(spec(file, { idempotency_key: 'banking@def456' }));
    expect(other.id).not.toBe(first.id);
    expect(sim.stats.training).toMatchObject({ files_uploaded: 2, jobs_created: 2 });
    // The key is stored as job metadata, which the list endpoint filters on.
    const listed = (await (
      await fetch(`${sim.url}/fine_tuning/jobs?metadata[tunegate_key]=banking@abc123`)
    ).json()) as {
      data: { id: string; metadata: Record<string, string> }[];
    };
    expect(listed.data.map((job) => job.id)).toEqual([first.id]);
    expect(listed.data[0]?.metadata).toEqual({ tunegate_key: 'banking@abc123', tunegate_suite: 'banking' });
  });

  it('reports a 403 on job creation as "fine-tuning unavailable for this account", exit 3', async () => {
    const { sim } = await startBankingSim({ fine_tuning: { permission_denied: true } });
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const error = await rejection(backend.start(spec(await trainingFile(10))));
    expect(error.code).toBe('fine-tuning-unavailable');
    expect(error.exitCode).toBe(ExitCode.runtime);
    expect(error.message).toMatch(/^fine-tuning unavailable for this account: This organization does not have access/);
    expect(error.message).toContain('use another backend (an OpenAI-compatible provider, github-dispatch or webhook)');
    expect(error.message).not.toMatch(/^403/);
    expect(sim.stats.training).toMatchObject({ permission_denied: 1, jobs_created: 0 });
  });

  it('follows a job that fails validation to its failure and says why', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const started = await backend.start(spec(await trainingFile(3)));
    const done = await followJob(backend, started.id, { intervalMs: 1, sleep: noSleep });
    expect(done.status).toBe('failed');
    expect(done.model).toBeUndefined();
    expect(done.events.at(-1)?.message).toBe('Training file has 3 example(s), but must have at least 10 examples');
  });

  it('turns other failures into a TunegateError that names the step, never a stack', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const error = await rejection(backend.status('ftjob-missing'));
    expect(error.code).toBe('fine-tune-request');
    expect(error.exitCode).toBe(ExitCode.runtime);
    expect(error.message).toBe(
      'provider "sim": reading fine-tuning job ftjob-missing failed: HTTP 404: No fine-tuning job with id ftjob-missing.',
    );
  });

  it('needs the API key it names and never echoes it', async () => {
    const { sim } = await startBankingSim({ fine_tuning: { permission_denied: true } });
    const provider = simProvider(sim.url, { api_key_env: 'FT_KEY' });
    expect(() => createOpenAIFineTuneBackend(provider, {}, { api: 'openai' })).toThrow(/\$FT_KEY, which is not set/);
    const backend = createOpenAIFineTuneBackend(provider, { FT_KEY: 'sk-secret-123456' }, { api: 'openai' });
    const error = await rejection(backend.start(spec(await trainingFile(10))));
    expect(error.message).not.toContain('sk-secret-123456');
  });

  it('cancels a job that has not finished', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const started = await backend.start(spec(await trainingFile(10)));
    expect(await backend.cancel?.(started.id)).toMatchObject({ id: started.id, status: 'cancelled' });
    expect((await followJob(backend, started.id, { intervalMs: 1, sleep: noSleep })).status).toBe('cancelled');
  });
});
