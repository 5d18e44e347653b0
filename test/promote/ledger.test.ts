import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { idempotencyKey, LEDGER_FILE, openLedger, startOnce } from '../../src/training/ledger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tunegate-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec: TrainingJobSpec = {
  suite: 'intents',
  base_model: 'gpt-4.1-nano-2025-04-14',
  training_file: 'train.jsonl',
  idempotency_key: 'key-1',
};

function countingBackend() {
  const started: TrainingJobSpec[] = [];
  const backend: FineTuneBackend = {
    name: 'counting',
    async start(job) {
      started.push(job);
      // A tick of latency, so concurrent callers really overlap.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { backend: 'counting', id: `job-${started.length}`, status: 'queued', events: [] };
    },
    async status(id) {
      return { backend: 'counting', id, status: 'running', events: [] };
    },
  };
  return { backend, started };
}

describe('startOnce', () => {
  it('starts a job once across two calls and across a reopened ledger', async () => {
    const { backend, started } = countingBackend();
    const first = await startOnce(backend, spec, await openLedger(dir));
    const again = await startOnce(backend, spec, await openLedger(dir));
    const ledger = await openLedger(dir);
    const third = await startOnce(backend, spec, ledger);

    expect(started).toHaveLength(1);
    expect(first).toEqual({ job: expect.objectContaining({ id: 'job-1', status: 'queued' }), started: true });
    expect(again).toEqual({ job: first.job, started: false });
    expect(third.started).toBe(false);
    expect(ledger.find('key-1')).toMatchObject({ key: 'key-1', suite: 'intents', backend: 'counting' });
  });

  it('shares one start between concurrent calls with the same key', async () => {
    const { backend, started } = countingBackend();
    const ledger = await openLedger(dir);
    const [a, b] = await Promise.all([startOnce(backend, spec, ledger), startOnce(backend, spec, ledger)]);
    expect(started).toHaveLength(1);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect(a.job.id).toBe(b.job.id);
  });

  it('starts jobs with different keys separately', async () => {
    const { backend, started } = countingBackend();
    const ledger = await openLedger(dir);
    await startOnce(backend, spec, ledger);
    await startOnce(backend, { ...spec, idempotency_key: 'key-2' }, ledger);
    expect(started.map((job) => job.idempotency_key)).toEqual(['key-1', 'key-2']);
    expect(ledger.all().map((entry) => entry.key)).toEqual(['key-1', 'key-2']);
  });

  it('records nothing when the backend fails, so a re-run tries again', async () => {
    const failing: FineTuneBackend = {
      name: 'failing',
      start: async () => {
        throw new Error('unavailable');
      },
      status: async () => ({}) as TrainingJob,
    };
    const ledger = await openLedger(dir);
    await expect(startOnce(failing, spec, ledger)).rejects.toThrow('unavailable');
    expect(ledger.find('key-1')).toBeUndefined();
    const { backend, started } = countingBackend();
    expect((await startOnce(backend, spec, ledger)).started).toBe(true);
    expect(started).toHaveLength(1);
  });
});

describe('openLedger', () => {
  it('updates a job and keeps entries written by another ledger on the same directory', async () => {
    const one = await openLedger(dir);
    const two = await openLedger(dir);
    const job: TrainingJob = { backend: 'b', id: 'j1', status: 'queued', events: [] };
    await one.record({ key: 'k1', suite: 's', backend: 'b', job, started_at: '2026-01-01T00:00:00Z' });
    await two.record({
      key: 'k2',
      suite: 's',
      backend: 'b',
      job: { ...job, id: 'j2' },
      started_at: '2026-01-01T00:00:00Z',
    });
    await one.update('k1', { ...job, status: 'succeeded', model: 'ft:m' });

    const reopened = await openLedger(dir);
    expect(reopened.all().map((entry) => [entry.key, entry.job.status])).toEqual([
      ['k1', 'succeeded'],
      ['k2', 'queued'],
    ]);
    expect(reopened.find('k1')?.updated_at).toEqual(expect.any(String));
    const onDisk = JSON.parse(await readFile(path.join(dir, LEDGER_FILE), 'utf8'));
    expect(onDisk.version).toBe(1);
    await expect(one.update('missing', job)).rejects.toThrow(/has no job with key missing/);
  });

  it('refuses a corrupt ledger with what to do', async () => {
    await writeFile(path.join(dir, LEDGER_FILE), '{"jobs": [');
    await expect(openLedger(dir)).rejects.toThrow(/is not a job ledger .*delete it to forget which training jobs/);
  });
});

describe('idempotencyKey', () => {
  it('is stable for the same parts and differs when any part changes', () => {
    const parts = {
      suite: 'intents',
      verdict: 'fine-tune',
      base_model: 'gpt-4.1-nano',
      backend: 'openai:openai:default',
      method: 'supervised',
      hyperparameters: { epochs: 3, suffix: 'intents' },
      training_sha256: 'ab'.repeat(32),
      validation_sha256: null,
    };
    const key = idempotencyKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKey({ ...parts, hyperparameters: { suffix: 'intents', epochs: 3 } })).toBe(key);
    expect(idempotencyKey({ ...parts, verdict: 'retrain' })).not.toBe(key);
    expect(idempotencyKey({ ...parts, training_sha256: 'cd'.repeat(32) })).not.toBe(key);
    expect(idempotencyKey({ ...parts, validation_sha256: 'cd'.repeat(32) })).not.toBe(key);
    expect(idempotencyKey({ ...parts, backend: 'fireworks:default:acme' })).not.toBe(key);
    expect(idempotencyKey({ ...parts, method: 'dpo' })).not.toBe(key);
    expect(idempotencyKey({ ...parts, hyperparameters: { epochs: 4, suffix: 'intents' } })).not.toBe(key);
    // Parts are delimited, so moving characters between them changes the key.
    expect(idempotencyKey({ ...parts, suite: 'intentsf', verdict: 'ine-tune' })).not.toBe(key);
  });
});
