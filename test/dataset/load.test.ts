import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/dataset/load.js';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import type { LoadedSuite } from '../../src/suite/types.js';

const suitesDir = path.resolve(import.meta.dirname, '../fixtures/suites');

async function suite(file: string, cwd = suitesDir): Promise<LoadedSuite> {
  const result = await loadSuites([file], { cwd, env: {}, requireApiKeys: false });
  expect(result.problems.map(formatProblem)).toEqual([]);
  const [loaded] = result.suites;
  if (!loaded) throw new Error(`${file} did not load`);
  return loaded;
}

async function cases(loaded: LoadedSuite) {
  const result = await loadCases(loaded);
  expect(result.problems.map(formatProblem)).toEqual([]);
  return [...result.cases];
}

/** A temp folder holding a dataset file and a suite that reads it. */
async function tempSuite(dataFile: string, data: string, datasetYaml: string, kind = 'generation') {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-data-'));
  await writeFile(path.join(dir, dataFile), data);
  const yaml = `name: temp
dataset:
  path: ${dataFile}
${datasetYaml}
task:
  kind: ${kind}
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  small: { role: finetuned, provider: local, model: tiny }
`;
  await writeFile(path.join(dir, 'suite.yaml'), yaml);
  return suite('suite.yaml', dir);
}

describe('loadCases', () => {
  it('reads JSONL rows with row-index ids and line numbers', async () => {
    const loaded = await cases(await suite('banking.yaml'));
    expect(loaded).toHaveLength(20);
    expect(loaded[0]).toEqual({
      id: '0',
      index: 0,
      input: 'How do I locate my card?',
      expected: 'card_arrival',
      fields: { input: 'How do I locate my card?', expected: 'card_arrival' },
      line: 1,
    });
    expect(loaded.map((c) => c.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('reads CSV values as strings, with id fields and the line each record starts on', async () => {
    const loaded = await cases(await suite('csv.yaml'));
    expect(loaded.map((c) => [c.id, c.index, c.line, c.expected])).toEqual([
      ['T-1', 0, 2, 'true'],
      ['T-2', 1, 4, 'false'],
      ['T-3', 2, 5, 'true'],
      ['T-4', 3, 7, 'false'],
    ]);
    expect(loaded[2]?.input).toBe('The app crashes\nevery time I log in');
    expect(loaded[1]?.fields).toEqual({ ticket: 'T-2', text: 'Thanks for the help', escalate: 'false' });
  });

  it('reads inline cases, turning a number input into text', async () => {
    const loaded = await cases(await suite('inline.yaml'));
    expect(loaded.map((c) => [c.id, c.input, c.expected, c.line])).toEqual([
      ['0', '2 + 2', '4', 2],
      ['1', '10', '10', 2],
      ['2', '3 * 3', '9', 2],
    ]);
    expect(loaded[2]?.fields.topic).toBe('multiplication');
  });

  it('samples deterministically, keeping file order and original ids', async () => {
    const sampled = await suite('sampled.yaml');
    const first = await cases(sampled);
    const again = await cases(sampled);
    expect(first).toEqual(again);
    expect(first.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    const originals = first.map((c) => Number(c.id));
    expect(originals).toEqual([...originals].sort((a, b) => a - b));
    // The id is the original row index, so the row is the file's line id + 1.
    for (const c of first) expect(c.line).toBe(Number(c.id) + 1);
    const all = await cases(await suite('banking.yaml'));
    for (const c of first) expect(c.input).toBe(all[Number(c.id)]?.input);

    const otherSeed = { ...sampled, dataset: { ...sampled.dataset, sample: { size: 5, seed: 8 } } };
    expect((await cases(otherSeed)).map((c) => c.id)).not.toEqual(first.map((c) => c.id));
    const everything = { ...sampled, dataset: { ...sampled.dataset, sample: { size: 500, seed: 7 } } };
    expect(await cases(everything)).toHaveLength(20);
  });

  it('parses a CSV expected value as a JSON object only for extraction', async () => {
    const csv = 'text,expected\nfirst,"{""intent"": ""a""}"\nsecond,[1]\nthird,plain\n';
    const extraction = await cases(await tempSuite('data.csv', csv, '  input: text', 'extraction'));
    expect(extraction.map((c) => c.expected)).toEqual([{ intent: 'a' }, '[1]', 'plain']);
    const generation = await cases(await tempSuite('data.csv', csv, '  input: text'));
    expect(generation.map((c) => c.expected)).toEqual(['{"intent": "a"}', '[1]', 'plain']);
  });

  it('reports duplicate and missing ids', async () => {
    const jsonl =
      '{"id": "a", "input": "x", "expected": "y"}\n{"id": "a", "input": "x", "expected": "y"}\n{"input": "x", "expected": "y"}\n';
    const loaded = await tempSuite('data.jsonl', jsonl, '  id: id');
    const result = await loadCases(loaded);
    expect([...result.cases]).toEqual([]);
    expect(result.problems.map(formatProblem)).toEqual([
      'data.jsonl:2:1 duplicate id "a" (dataset.id), first used on line 1; ids must be unique',
      'data.jsonl:3:1 row lacks field "id" (dataset.id); fields present: input, expected',
    ]);
  });

  it('reports a dataset file that disappeared at the dataset key', async () => {
    const loaded = await suite('sampled.yaml');
    const gone = { ...loaded, dataset: { ...loaded.dataset, path: path.join(suitesDir, 'data/gone.jsonl') } };
    const result = await loadCases(gone);
    expect(result.problems.map(formatProblem)).toEqual(['sampled.yaml:2:1 dataset file not found: data/gone.jsonl']);
  });

  it('reads and samples 100,000 rows (their speed is measured by bench/units.ts)', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({ input: `message ${i}`, expected: `label ${i % 77}` }),
    );
    const loaded = await tempSuite('big.jsonl', `${rows.join('\n')}\n`, '  sample: { size: 1000, seed: 3 }');
    const csvRows = Array.from({ length: 100_000 }, (_, i) => `message ${i},label ${i % 77}`);
    const csv = await tempSuite('big.csv', `input,expected\n${csvRows.join('\n')}\n`, '');
    const sampled = await cases(loaded);
    const all = await cases(csv);
    expect(sampled).toHaveLength(1000);
    expect(new Set(sampled.map((c) => c.id)).size).toBe(1000);
    expect(all).toHaveLength(100_000);
    expect(all[99_999]).toMatchObject({ id: '99999', line: 100_001, input: 'message 99999' });
  });
});
