import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { followSuiteTraining, startSuiteTraining } from '../../src/api/train.js';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import { loadLocalModel, localModelPath } from '../../src/training/local/model.js';
import { smallClinc, writeChatJsonl } from './local-fixture.js';

const labels = [...new Set(smallClinc.train.map((row) => row.label))].sort();

const suiteYaml = (kind: string) => `name: intents
dataset:
  cases: [{ input: book a table, expected: accept_reservations }]
task:
  kind: ${kind}
${kind === 'classification' ? `  labels: [${labels.join(', ')}]\n` : ''}providers:
  sim: { base_url: http://127.0.0.1:8000/v1 }
variants:
  prompted:
    role: prompted
    provider: sim
    model: small
training:
  backend: { type: local }
`;

async function workspace(kind: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-local-backend-'));
  await writeFile(path.join(dir, 'suite.yaml'), suiteYaml(kind));
  return { dir, ...(await loadSuites(['suite.yaml'], { cwd: dir, env: {} })) };
}

describe('training.backend: { type: local }', () => {
  it('trains once through the ledger, writes the model where its id says, and reads it back on status', async () => {
    const { dir, suites, problems } = await workspace('classification');
    expect(problems).toEqual([]);
    const suite = suites[0];
    if (!suite) throw new Error('suite did not load');
    const files = {
      train: await writeChatJsonl(path.join(dir, 'train.jsonl'), smallClinc.train),
      validation: await writeChatJsonl(path.join(dir, 'validation.jsonl'), smallClinc.validation),
    };
    const options = { env: {}, ledgerDir: path.join(dir, '.tunegate', 'jobs') };

    const first = await startSuiteTraining(suite, files, 'fine-tune', options);
    expect(first.started).toBe(true);
    expect(first.job).toMatchObject({ backend: 'local', status: 'succeeded', id: first.job.model });
    expect(first.job.model).toMatch(/^local:[0-9a-f]{12}$/);
    const modelFile = localModelPath(await realpath(dir), first.job.id);
    const model = await loadLocalModel(modelFile);
    expect(model.id).toBe(first.job.model);
    expect(model.metrics).toMatchObject({ train_examples: 360, validation_examples: 90, labels: 30, seed: 1 });
    expect(model.predict('Request: does redrobin take reservations')).toBe('accept_reservations');
    expect(JSON.parse(await readFile(modelFile, 'utf8')).training_sha256).toMatch(/^[0-9a-f]{64}$/);

    // The ledger answers the second ask: nothing trains, so the removed file stays removed.
    await rm(modelFile);
    const second = await startSuiteTraining(suite, files, 'fine-tune', options);
    expect(second).toEqual({ job: first.job, started: false });
    await expect(readFile(modelFile)).rejects.toThrow();

    // status(id) re-reads the file: gone, it says which file and what to do; back, the job succeeded.
    await expect(followSuiteTraining(suite, first.job.id, options)).rejects.toThrow(
      `${modelFile}: no local model file here`,
    );
    await startSuiteTraining(suite, files, 'retrain', options);
    const followed = await followSuiteTraining(suite, first.job.id, options);
    expect(followed).toMatchObject({ status: 'succeeded', model: first.job.model });
  });

  it('is refused, at the key, for a suite that is not a classification', async () => {
    const { suites, problems } = await workspace('generation');
    expect(suites).toEqual([]);
    expect(problems.map(formatProblem)).toEqual([
      "suite.yaml:14:20 training.backend.type: the local backend trains classifiers only; this suite's task.kind is " +
        'generation: use another backend (openai, azure, fireworks, github-dispatch or webhook) or make the task a ' +
        'classification',
    ]);
  });
});
