import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import {
  isLocalModelId,
  loadLocalModel,
  localModelPath,
  localModelsDir,
  saveLocalModel,
} from '../../src/training/local/model.js';
import { trainLocalClassifier } from '../../src/training/local/train.js';
import { smallClinc } from './local-fixture.js';

const hashes = { training_sha256: 'a'.repeat(64), validation_sha256: null };
const train = (seed: number) => trainLocalClassifier(smallClinc.train, smallClinc.validation, { seed, ...hashes });
const tempRoot = () => mkdtemp(path.join(tmpdir(), 'tunegate-local-model-'));

async function caught(promise: Promise<unknown>): Promise<TunegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TunegateError);
  return error as TunegateError;
}

describe('local classifier training', () => {
  it('gives byte-identical model files (so the same id) for the same data and seed, another for another seed', async () => {
    const first = train(7);
    const second = train(7);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(sha(second.text)).toBe(sha(first.text));
    const root = await tempRoot();
    const saved = await saveLocalModel(root, first.text, first.train_ms);
    const again = await saveLocalModel(root, second.text, second.train_ms);
    expect(again.id).toBe(saved.id);
    expect(saved.id).toBe(`local:${sha(first.text).slice(0, 12)}`);
    expect((await saveLocalModel(root, train(8).text, 0)).id).not.toBe(saved.id);
  });

  it('learns the 30 intents of the excerpt: at least 85% of its 180 test rows right', async () => {
    const trained = train(1);
    const root = await tempRoot();
    const model = await loadLocalModel((await saveLocalModel(root, trained.text, trained.train_ms)).path);
    const right = smallClinc.test.filter((row) => model.predict(row.input) === row.label).length;
    expect(right / smallClinc.test.length).toBeGreaterThanOrEqual(0.85);
    expect(trained.validation_accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

describe('local model files', () => {
  it('round-trips: the loaded model has the saved id, the labels as written, its metrics, and predicts labels', async () => {
    const trained = train(3);
    const root = await tempRoot();
    const saved = await saveLocalModel(root, trained.text, 1234.4);
    expect(saved.path).toBe(localModelPath(root, saved.id));
    expect(path.dirname(saved.path)).toBe(path.join(root, '.tunegate', 'models'));
    expect(localModelsDir(root)).toBe(path.dirname(saved.path));
    expect(isLocalModelId(saved.id)).toBe(true);
    const model = await loadLocalModel(saved.path);
    expect(model.id).toBe(saved.id);
    expect(model.labels).toEqual([...new Set(smallClinc.train.map((row) => row.label))].sort());
    expect(model.metrics).toEqual({
      train_examples: 360,
      validation_examples: 90,
      validation_accuracy: trained.validation_accuracy,
      epochs_run: trained.epochs_run,
      train_ms: 1234,
      labels: 30,
      features: model.metrics.features,
      seed: 3,
    });
    expect(model.metrics.features).toBeGreaterThan(1000);
    expect(model.predict('can i book a table at redrobin tonight')).toBe('accept_reservations');
    expect(model.labels).toContain(model.predict('completely unrelated words'));
  });

  it('tells ids from other models', () => {
    expect(isLocalModelId('local:0123456789ab')).toBe(true);
    expect(isLocalModelId('local:0123456789')).toBe(false);
    expect(isLocalModelId('gpt-4.1-mini')).toBe(false);
  });

  it('names the file and what to do when it is missing, truncated, corrupt or of a newer version', async () => {
    const root = await tempRoot();
    const trained = train(1);
    const { path: file } = await saveLocalModel(root, trained.text, 0);

    const missing = await caught(loadLocalModel(path.join(root, 'nope.json')));
    expect(missing.message).toBe(
      `${path.join(root, 'nope.json')}: no local model file here; train it again with \`tunegate train\` (backend: { type: local })`,
    );
    expect(missing.exitCode).toBe(2);

    const truncated = path.join(root, 'truncated.json');
    await writeFile(truncated, trained.text.slice(0, 500));
    expect((await caught(loadLocalModel(truncated))).message).toContain(
      `${truncated}: not a local model file (not JSON`,
    );

    const document = JSON.parse(await readFile(file, 'utf8'));
    const shortWeights = path.join(root, 'short.json');
    await writeFile(shortWeights, JSON.stringify({ ...document, weights: { ...document.weights, data: 'AAAA' } }));
    expect((await caught(loadLocalModel(shortWeights))).message).toMatch(
      new RegExp(`^${shortWeights}: corrupt local model \\(expected \\d+ bytes, found 3\\)`),
    );

    const newer = path.join(root, 'newer.json');
    await writeFile(newer, JSON.stringify({ ...document, version: 2 }));
    const error = await caught(loadLocalModel(newer));
    expect(error.message).toBe(
      `${newer}: local model format version 2, this tunegate reads version 1; upgrade tunegate or train the model again`,
    );
    expect(error.exitCode).toBe(2);
  });
});
