import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followSuiteTraining, startSuiteTraining } from '../../src/api/train.js';
import { createOpenAIFineTuneBackend } from '../../src/providers/fine-tune.js';
import { loadSuites } from '../../src/suite/load.js';
import type { LoadedSuite } from '../../src/suite/types.js';
import { noSleep, rejection, simProvider, startBankingSim, trainingFile, trainingSuiteYaml } from './helpers.js';

const BASE = 'gpt-4.1-nano-2025-04-14';
const ENV = { SIM_KEY: 'sk-sim-secret' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunegate-dpo-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function preferenceFile(count: number): Promise<string> {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      input: { messages: [{ role: 'user', content: `message ${i}` }] },
      preferred_output: [{ role: 'assistant', content: 'card_arrival' }],
      non_preferred_output: [{ role: 'assistant', content: 'card_lost' }],
    }),
  );
  const path = join(dir, 'preference.jsonl');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function suiteWith(url: string, training: string): Promise<LoadedSuite> {
  await writeFile(
    join(dir, 'suite.yaml'),
    trainingSuiteYaml(
      { name: 'sim', spec: `{ base_url: "${url}", api_key_env: SIM_KEY }` },
      `  base_model: ${BASE}\n  epochs: 2\n${training}`,
    ),
  );
  const { suites, problems } = await loadSuites(['suite.yaml'], { cwd: dir, env: ENV });
  expect(problems).toEqual([]);
  return suites[0] as LoadedSuite;
}

describe('training.method: dpo', () => {
  it('uploads the preference pairs and creates an OpenAI job with method dpo', async () => {
    const { sim } = await startBankingSim({ fine_tuning: { steps: 1 } });
    const suite = await suiteWith(sim.url, '  method: dpo\n  backend: { type: openai, provider: sim }\n');
    expect(suite.training?.method).toBe('dpo');
    const files = { train: await trainingFile(10), validation: await trainingFile(10, 'v.jsonl') };
    const options = { env: ENV, ledgerDir: join(dir, 'jobs') };
    const { job, started } = await startSuiteTraining(
      suite,
      { ...files, preference: await preferenceFile(10) },
      'fine-tune',
      options,
    );
    expect(started).toBe(true);
    // Only the pairs go up: no chat training file, no chat validation file.
    expect(sim.stats.training.files_uploaded).toBe(1);
    const created = (await (
      await fetch(`${sim.url}/fine_tuning/jobs/${job.id}`, { headers: { authorization: 'Bearer x' } })
    ).json()) as { method: unknown; validation_file: unknown };
    expect(created.method).toEqual({
      type: 'dpo',
      dpo: { hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 'auto' } },
    });
    expect(created.validation_file).toBeNull();
    const done = await followSuiteTraining(suite, job.id, { ...options, intervalMs: 1, sleep: noSleep });
    expect(done.status).toBe('succeeded');
  });

  it('the simulator refuses a dpo job on a chat file, as OpenAI does', async () => {
    const { sim } = await startBankingSim();
    const backend = createOpenAIFineTuneBackend(simProvider(sim.url), {}, { api: 'openai' });
    const error = await rejection(
      backend.start({
        suite: 'intents',
        base_model: BASE,
        training_file: await trainingFile(10),
        method: 'dpo',
        idempotency_key: 'k',
      }),
    );
    expect(error.message).toMatch(/preference pairs/);
    expect(sim.stats.training.jobs_created).toBe(0);
  });

  it.each([
    ['fireworks', '{ type: fireworks, provider: sim, account: acme }', /not on fireworks/],
    ['together', '{ type: openai, provider: sim, api: together }', /not on openai \(api: together\)/],
    ['webhook', '{ type: webhook, url: "http://127.0.0.1:9/hook" }', /not on webhook/],
  ])('is refused on %s before anything is uploaded', async (_name, backend, message) => {
    const { sim } = await startBankingSim();
    const suite = await suiteWith(sim.url, `  method: dpo\n  backend: ${backend}\n`);
    const files = { train: await trainingFile(10), validation: null, preference: await preferenceFile(10) };
    const error = await rejection(
      startSuiteTraining(suite, files, 'fine-tune', { env: ENV, ledgerDir: join(dir, 'jobs') }),
    );
    expect(error.code).toBe('training-backend');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/set training\.method: sft/);
    expect(sim.stats.training.files_uploaded).toBe(0);
    expect(sim.stats.training.jobs_created).toBe(0);
  });

  it('says what to do when the training set has no preference pairs', async () => {
    const { sim } = await startBankingSim();
    const suite = await suiteWith(sim.url, '  method: dpo\n  backend: { type: openai, provider: sim }\n');
    const files = { train: await trainingFile(10), validation: null, preference: null };
    const error = await rejection(
      startSuiteTraining(suite, files, 'fine-tune', { env: ENV, ledgerDir: join(dir, 'jobs') }),
    );
    expect(error.message).toMatch(/no preference\.jsonl/);
    expect(sim.stats.training.files_uploaded).toBe(0);
  });
});
