import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuites } from '../../src/api/run-suites.js';
import { validateSuites } from '../../src/api/validate.js';
import { formatProblem } from '../../src/errors.js';
import { loadLocalModel, saveLocalModel } from '../../src/training/local/model.js';
import { trainLocalClassifier } from '../../src/training/local/train.js';
import { smallClinc } from '../training/local-fixture.js';
import { readJsonl } from './helpers.js';

describe('a trained local model served in a run', () => {
  it('answers with the trained model predictions, not simulated', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'tunegate-local-real-'));
    const trained = trainLocalClassifier(
      smallClinc.train.map((row) => ({ ...row, input: `Request: ${row.input}` })),
      smallClinc.validation.map((row) => ({ ...row, input: `Request: ${row.input}` })),
      { seed: 1, training_sha256: 'x', validation_sha256: null },
    );
    const { id, path: file } = await saveLocalModel(cwd, trained.text, trained.train_ms);
    const rows = smallClinc.test.map((row) => JSON.stringify({ input: row.input, expected: row.label }));
    await writeFile(path.join(cwd, 'test.jsonl'), `${rows.join('\n')}\n`);
    await writeFile(
      path.join(cwd, 'suite.yaml'),
      `name: clinc
dataset: { path: test.jsonl }
task: { kind: classification }
providers:
  runner: { local: true }
variants:
  trained: { role: finetuned, provider: runner, model: "${id}", template: "Request: {{input}}" }
`,
    );
    const validation = await validateSuites(['suite.yaml'], { cwd, env: {} });
    expect(validation.problems.map(formatProblem)).toEqual([]);
    const outDir = path.join(cwd, 'out');
    const results = await runSuites(validation.suites, { outDir, env: {}, version: 'test' });
    const classifier = await loadLocalModel(file);
    const expected = smallClinc.test.map((row) => classifier.predict(`Request: ${row.input}`));
    const records = (
      await readJsonl<{ index: number; output: string; simulated: boolean; latency_ms: number }>(
        path.join(outDir, 'cases.jsonl'),
      )
    ).sort((a, b) => a.index - b.index);
    expect(records.map((r) => r.output)).toEqual(expected);
    expect(records.every((r) => !r.simulated)).toBe(true);
    const accuracy = expected.filter((label, i) => label === smallClinc.test[i]?.label).length / expected.length;
    expect(results.suites[0]?.variants.trained?.metrics.accuracy).toBeCloseTo(accuracy, 10);
    // Served for real: measured latencies, runner-hour prices, nothing marked simulated.
    expect(results.simulated).toBe(false);
    expect(records.every((r) => typeof r.latency_ms === 'number' && r.latency_ms >= 0)).toBe(true);
    expect(results.suites[0]?.variants.trained?.price_source).toMatch(/GitHub-hosted Linux 2-core runner rate/);
  });
});
