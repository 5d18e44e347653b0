import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/dataset/load.js';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';

/**
 * Data is read as it is written: bytes that are not UTF-8, null or blank gold answers are refused
 * with their location, and numbers keep the text the file wrote.
 */

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

const SUITE = `name: temp
dataset: { path: data.jsonl }
task: { kind: generation }
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  v: { role: prompted, provider: local, model: m }
`;

/** Writes `files` (the suite as suite.yaml) in a fresh folder; returns every problem of loading it and its cases. */
async function load(files: Record<string, string | Buffer>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-written-'));
  for (const [name, content] of Object.entries({ 'suite.yaml': SUITE, ...files })) {
    await writeFile(path.join(dir, name), content);
  }
  const loaded = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
  const problems = loaded.problems.map(formatProblem);
  const cases = [];
  for (const suite of loaded.suites) {
    const read = await loadCases(suite);
    problems.push(...read.problems.map(formatProblem));
    cases.push(...read.cases);
  }
  return { problems, cases };
}

const ROW = '{"input":"a","expected":"b"}\n';
const NOT_UTF8 = 'not valid UTF-8 (byte 0xE9); re-save the file as UTF-8';

describe('a byte that is not UTF-8 is refused where it is', () => {
  const rows: { name: string; files: Record<string, string | Buffer>; problem: string }[] = [
    {
      name: 'a JSONL dataset row',
      files: { 'data.jsonl': latin1(`${ROW}{"input":"coffee","expected":"café"}\n`) },
      problem: `data.jsonl:2:34 ${NOT_UTF8}`,
    },
    {
      name: 'a CSV dataset cell',
      files: {
        'suite.yaml': SUITE.replace('data.jsonl', 'data.csv'),
        'data.csv': latin1('input,expected\ncoffee,café\n'),
      },
      problem: `data.csv:2:11 ${NOT_UTF8}`,
    },
    {
      name: 'a system prompt',
      files: {
        'suite.yaml': SUITE.replace('model: m', 'model: m, system: file://system.md'),
        'data.jsonl': ROW,
        'system.md': latin1('Answer briefly.\nSay café.\n'),
      },
      problem: `system.md:2:8 ${NOT_UTF8}`,
    },
    {
      name: 'a few-shot examples file',
      files: {
        'suite.yaml': SUITE.replace('model: m', 'model: m, examples: file://shots.jsonl'),
        'data.jsonl': ROW,
        'shots.jsonl': latin1('{"input":"x","output":"café"}\n'),
      },
      problem: `shots.jsonl:1:27 ${NOT_UTF8}`,
    },
    {
      name: 'a labels file',
      files: {
        'suite.yaml': SUITE.replace('kind: generation', 'kind: classification, labels: file://labels.txt'),
        'data.jsonl': ROW,
        'labels.txt': latin1('tea\ncafé\n'),
      },
      problem: `labels.txt:2:4 ${NOT_UTF8}`,
    },
    {
      name: 'the suite file itself',
      files: { 'suite.yaml': latin1(`${SUITE}description: café\n`), 'data.jsonl': ROW },
      problem: `suite.yaml:8:17 ${NOT_UTF8}`,
    },
  ];

  it.each(rows)('$name', async ({ files, problem }) => {
    expect((await load(files)).problems).toEqual([problem]);
  });

  it('reads the same rows written as UTF-8, "café" intact', async () => {
    const { problems, cases } = await load({ 'data.jsonl': utf8(`${ROW}{"input":"coffee","expected":"café"}\n`) });
    expect(problems).toEqual([]);
    expect(cases[1]?.expected).toBe('café');
  });
});

describe('a gold answer must be given', () => {
  const rows: { name: string; files: Record<string, string>; problem: string }[] = [
    {
      name: 'JSONL expected: null',
      files: { 'data.jsonl': `${ROW}{"input":"a","expected":null}\n` },
      problem: 'data.jsonl:2:1 field "expected" (dataset.expected) is null; give the gold answer or remove the row',
    },
    {
      name: 'JSONL blank expected',
      files: { 'data.jsonl': `${ROW}${ROW}{"input":"a","expected":"  "}\n` },
      problem: 'data.jsonl:3:1 field "expected" (dataset.expected) is empty; give the gold answer or remove the row',
    },
    {
      name: 'CSV empty cell',
      files: { 'suite.yaml': SUITE.replace('data.jsonl', 'data.csv'), 'data.csv': 'input,expected\na,b\nc,\n' },
      problem: 'data.csv:3:1 field "expected" (dataset.expected) is empty; give the gold answer or remove the row',
    },
    {
      name: 'inline expected: ~',
      files: {
        'suite.yaml': SUITE.replace(
          '{ path: data.jsonl }',
          '{ cases: [{ input: a, expected: b }, { input: c, expected: ~ }] }',
        ),
      },
      problem:
        'suite.yaml:2:1 dataset.cases[1]: field "expected" (dataset.expected) is null; give the gold answer or remove the row',
    },
  ];

  it.each(rows)('$name', async ({ files, problem }) => {
    expect((await load(files)).problems).toEqual([problem]);
  });
});

describe('numbers keep the text the file wrote', () => {
  const written = ['1.0', '0.10', '1e3', '123456789012345678901', '-0', '42', '0.5'];
  const asWritten = ['1.0', '0.10', '1e3', '123456789012345678901', '-0', 42, 0.5];

  it('in JSONL inputs, expected answers and other fields; nested numbers stay JSON numbers', async () => {
    const lines = written.map((n) => `{"input":${n},"expected":${n},"extra":${n},"nested":{"n":${n}}}`);
    const { problems, cases } = await load({ 'data.jsonl': `${lines.join('\n')}\n` });
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.expected)).toEqual(asWritten);
    expect(cases.map((c) => c.input)).toEqual(asWritten.map(String));
    expect(cases.map((c) => c.fields.extra)).toEqual(asWritten);
    expect(cases.map((c) => (c.fields.nested as { n: number }).n)).toEqual(written.map(Number));
  });

  it('in inline YAML cases', async () => {
    const inline = written.map((n) => `{ input: ${n}, expected: ${n} }`).join(', ');
    const { problems, cases } = await load({
      'suite.yaml': SUITE.replace('{ path: data.jsonl }', `{ cases: [${inline}] }`),
    });
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.expected)).toEqual(asWritten);
    expect(cases.map((c) => c.input)).toEqual(asWritten.map(String));
  });
});
