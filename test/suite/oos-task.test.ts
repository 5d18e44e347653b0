import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';

async function load(task: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-oos-task-'));
  await writeFile(
    path.join(dir, 'suite.yaml'),
    `name: intents
dataset:
  cases: [{ input: a, expected: oos }]
task:
${task}
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  prompted: { role: prompted, provider: local, model: small }
`,
  );
  const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
  return { task: result.suites[0]?.task, shown: result.problems.map(formatProblem) };
}

describe('task.out_of_scope', () => {
  it('names the out-of-scope label of a classification', async () => {
    const { task, shown } = await load('  kind: classification\n  out_of_scope: oos');
    expect(shown).toEqual([]);
    expect(task).toEqual({ kind: 'classification', out_of_scope: 'oos' });
  });

  it('is kept when the label lists it', async () => {
    const { task, shown } = await load('  kind: classification\n  labels: [balance, oos]\n  out_of_scope: oos');
    expect(shown).toEqual([]);
    expect(task).toEqual({ kind: 'classification', labels: ['balance', 'oos'], out_of_scope: 'oos' });
  });

  it('is a problem at its line when the task is not a classification', async () => {
    const { shown } = await load('  kind: generation\n  out_of_scope: oos');
    expect(shown).toEqual([
      "suite.yaml:6:17 task.out_of_scope: an out-of-scope label needs a classification task; this suite's " +
        'task.kind is generation: remove task.out_of_scope or make the task a classification',
    ]);
  });

  it('is a problem at its line when task.labels does not list it', async () => {
    const { shown } = await load('  kind: classification\n  labels: [balance, transfer]\n  out_of_scope: none');
    expect(shown).toEqual([
      'suite.yaml:7:17 task.out_of_scope: "none" is not one of task.labels: add it to the labels or name a listed label',
    ]);
  });

  it('must be a non-empty string (schema)', async () => {
    const { shown } = await load('  kind: classification\n  out_of_scope: ""');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^suite\.yaml:6:17 task\.out_of_scope: /);
  });
});
