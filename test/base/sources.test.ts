import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

async function loadOne(dir: string, file: string) {
  const result = await loadSuites([file], { cwd: dir, env: {} });
  expect(result.problems.map(formatProblem)).toEqual([]);
  const [suite] = result.suites;
  if (!suite) throw new Error(`${file} did not load`);
  return suite;
}

describe('LoadedSuite.sources', () => {
  it('lists the suite file and every file it reads, as absolute paths', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-sources-'));
    await writeFiles(dir, {
      'evals/data/cases.jsonl': '{"input":"hi","expected":"{\\"intent\\":\\"greet\\"}"}\n',
      'evals/data/labels.txt': 'greet\nbye\n',
      'evals/prompts/system.md': 'Answer with the intent.\n',
      'evals/prompts/few-shot.jsonl': '{"input":"hello","output":"greet"}\n',
      'evals/schemas/out.schema.json': '{"type":"object"}',
      'evals/scorers/mine.js': 'export default () => ({ pass: true });\n',
      'evals/suite.yaml': `name: sources
dataset: { path: data/cases.jsonl }
task: { kind: classification, labels: file://data/labels.txt }
scoring:
  - labels: {}
  - json: { schema: file://schemas/out.schema.json }
  - custom: { module: ./scorers/mine.js }
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  prompted:
    role: prompted
    provider: local
    model: big
    system: file://prompts/system.md
    examples: file://prompts/few-shot.jsonl
  finetuned:
    role: finetuned
    provider: local
    model: small
    system: An inline prompt reads no file.
`,
    });
    const suite = await loadOne(dir, 'evals/suite.yaml');
    const expected = [
      'evals/suite.yaml',
      'evals/data/cases.jsonl',
      'evals/data/labels.txt',
      'evals/schemas/out.schema.json',
      'evals/scorers/mine.js',
      'evals/prompts/system.md',
      'evals/prompts/few-shot.jsonl',
    ].map((name) => path.join(dir, name));
    expect([...suite.sources].sort()).toEqual([...expected].sort());
  });

  it('is just the suite file for inline cases and inline prompts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-sources-'));
    await writeFiles(dir, {
      'inline.yaml': `name: inline
dataset:
  cases: [{ input: a, expected: b }]
task: { kind: generation }
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  only: { role: prompted, provider: local, model: m, system: Be brief. }
`,
    });
    const suite = await loadOne(dir, 'inline.yaml');
    expect(suite.sources).toEqual([path.join(dir, 'inline.yaml')]);
  });
});
