import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';

async function load(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-every-problem-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  const result = await loadSuites(Object.keys(files), { cwd: dir, env });
  return { ...result, shown: result.problems.map(formatProblem) };
}

const suite = (name: string, provider: string, min: string) => `name: ${name}
dataset:
  cases: [{ input: a, expected: b }]
task:
  kind: generation
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  prompted:
    role: prompted
    provider: ${provider}
    model: small
thresholds:
  accuracy:
    min: ${min}
`;

describe('a schema error does not hide the cross-checks', () => {
  it('reports thresholds.accuracy.min: -2 and the unknown provider above it together, in file order', async () => {
    const { shown, suites, warnings } = await load({ 'suite.yaml': suite('s', 'azure', '-2') });
    expect(shown).toEqual([
      'suite.yaml:11:15 variants.prompted.provider: unknown provider "azure"; defined: local',
      'suite.yaml:15:10 thresholds.accuracy.min: must be >= 0 (got -2)',
    ]);
    expect(suites).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('does not call a declared variant or provider "unknown" when its own entry has a schema error', async () => {
    const text = suite('s', 'local', '0.5').replace(
      'variants:\n',
      'variants:\n  tuned: { role: finetuned, provider: local, modle: ft:small }\n',
    );
    const { shown } = await load({ 'suite.yaml': `${text}decision: { candidate: tuned }\n` });
    expect(shown).toEqual([
      'suite.yaml:9:3 variants.tuned: missing required key "model"',
      'suite.yaml:9:46 variants.tuned: unknown key "modle" (did you mean "model"?); allowed: role, provider, model, base_model, system, examples, template, params, context_window',
    ]);
  });

  it('checks a suite with a malformed name, but never holds that name against another suite', async () => {
    const { shown, suites } = await load({
      'a.yaml': suite('same', 'local', '0.5'),
      'b.yaml': suite('bad name!', 'nowhere', '0.5'),
    });
    expect(shown).toEqual([
      'b.yaml:1:7 name: must start with a letter or digit and use only letters, digits, ".", "_" and "-" (got "bad name!")',
      'b.yaml:11:15 variants.prompted.provider: unknown provider "nowhere"; defined: local',
    ]);
    expect(suites.map((s) => s.name)).toEqual(['same']);
  });

  it('reports only the schema errors when a section every check needs is unusable', async () => {
    const text = suite('s', 'azure', '0.5').replace('  cases:', '  path: data.jsonl\n  cases:');
    const { shown } = await load({ 'suite.yaml': text });
    expect(shown).toEqual(['suite.yaml:2:1 dataset: set exactly one of path or cases (both are set)']);
  });
});

describe('a key written twice', () => {
  it('is named, with where it was first set', async () => {
    const text = suite('s', 'local', '0.5').replace(
      '  local: { base_url: http://127.0.0.1:8000/v1 }\n',
      '  local: { base_url: http://127.0.0.1:8000/v1 }\n  "local": { base_url: http://127.0.0.1:9000/v1 }\n',
    );
    const { shown } = await load({ 'suite.yaml': `${text}name: again\n` });
    expect(shown).toEqual([
      'suite.yaml:8:3 invalid YAML: key "local" appears twice in the same mapping (first set at 7:3); keep one of them',
      'suite.yaml:17:1 invalid YAML: key "name" appears twice in the same mapping (first set at 1:1); keep one of them',
    ]);
  });

  it('is named inside a flow mapping too', async () => {
    const text = suite('s', 'local', '0.5').replace('{ input: a, expected: b }', '{ input: a, input: c, expected: b }');
    const { shown } = await load({ 'suite.yaml': text });
    expect(shown).toEqual([
      'suite.yaml:3:23 invalid YAML: key "input" appears twice in the same mapping (first set at 3:13); keep one of them',
    ]);
  });
});
