import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdoutSide } from '../../src/dataset/holdout.js';
import { loadCases } from '../../src/dataset/load.js';
import { csvRows, jsonlRows } from '../../src/dataset/read.js';
import { sampleIndices } from '../../src/dataset/sample.js';
import { EncodingError, textChunks, textLines } from '../../src/dataset/stream.js';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import type { LoadedSuite } from '../../src/suite/types.js';

async function tempFile(name: string, data: string | Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-stream-'));
  const file = path.join(dir, name);
  await writeFile(file, data);
  return file;
}

/** A suite in a temp folder whose dataset is `data` (a file, or inline YAML rows when `file` is null). */
async function tempSuite(file: string | null, data: string, datasetYaml: string): Promise<LoadedSuite> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-stream-'));
  if (file) await writeFile(path.join(dir, file), data);
  const dataset = file ? `  path: ${file}\n${datasetYaml}` : `  cases:\n${data}${datasetYaml}`;
  const yaml = `name: temp\ndataset:\n${dataset}\ntask:\n  kind: generation\nproviders:\n  local: { base_url: http://127.0.0.1:8000/v1 }\nvariants:\n  small: { role: finetuned, provider: local, model: tiny }\n`;
  await writeFile(path.join(dir, 'suite.yaml'), yaml);
  const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {}, requireApiKeys: false });
  expect(result.problems.map(formatProblem)).toEqual([]);
  return result.suites[0] as LoadedSuite;
}

describe('streaming reader', () => {
  it('joins lines split across chunks, drops CR and a BOM, and keeps a character split across chunks whole', async () => {
    const huge = 'é'.repeat(200_000);
    const text = `\uFEFF{"a":1}\r\n\r\n{"b":"${huge}"}\r\n{"c":"€"}`;
    const file = await tempFile('rows.jsonl', text);
    for (const size of [3, 7, 64, 65_536]) {
      const lines = [...textLines(textChunks(file, size))];
      expect(lines.map((l) => l.line)).toEqual([1, 3, 4]);
      expect(lines[0]?.text).toBe('{"a":1}');
      expect(lines[1]?.text).toBe(`{"b":"${huge}"}`);
      expect(lines[2]?.text).toBe('{"c":"€"}');
    }
  });

  it('locates a byte that is not UTF-8, even when its line began chunks earlier', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"ok"}\n{"b":"abcdefgh'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    const file = await tempFile('bad.jsonl', bytes);
    let caught: unknown;
    try {
      for (const _ of textChunks(file, 4));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EncodingError);
    expect(caught).toMatchObject({ line: 2, col: 15 });
  });

  it('parses JSONL rows and CSV records (quoted newlines, CRLF, BOM) the same whatever the chunk size', async () => {
    const jsonl = await tempFile('rows.jsonl', '{"input":"x","n":1.0}\n\nnot json\n[1]\n');
    const rows = [...jsonlRows(textChunks(jsonl, 5), 'rows.jsonl')];
    expect(rows[0]).toEqual({ row: { fields: { input: 'x', n: '1.0' }, line: 1 } });
    expect(rows.slice(1).map((r) => r && formatProblem(r.problem as never))).toEqual([
      expect.stringMatching(/^rows\.jsonl:3:\d+ invalid JSON/),
      'rows.jsonl:4:1 each line must be a JSON object',
    ]);
    const crlf = await tempFile('rows.csv', '\uFEFFinput,expected\r\n"one, line",a\r\nplain,"b,c"\r\n');
    const lf = await tempFile('rows.csv', 'input,expected\n"multi\nline",a\n\nplain,"b,c"\n');
    for (const size of [2, 9, 65_536]) {
      expect([...csvRows(textChunks(crlf, size), 'rows.csv')]).toEqual([
        { row: { fields: { input: 'one, line', expected: 'a' }, line: 2 } },
        { row: { fields: { input: 'plain', expected: 'b,c' }, line: 3 } },
      ]);
      expect([...csvRows(textChunks(lf, size), 'rows.csv')]).toEqual([
        { row: { fields: { input: 'multi\nline', expected: 'a' }, line: 2 } },
        { row: { fields: { input: 'plain', expected: 'b,c' }, line: 5 } },
      ]);
    }
  });
});

describe('streamed loading', () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({
    id: `case-${(i * 7919) % 1000}`,
    input: `m${i}`,
    expected: 'y',
  }));

  it('samples the same rows as the in-memory loader: same ids, same order, same indices', async () => {
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
    const inline = rows.map((r) => `    - ${JSON.stringify(r)}\n`).join('');
    for (const extra of ['  sample: { size: 37, seed: 11 }\n', '']) {
      const options = `  id: id\n${extra}`;
      const streamed = await loadCases(await tempSuite('data.jsonl', jsonl, options));
      const inMemory = await loadCases(await tempSuite(null, inline, options));
      const shape = (c: { id: string; index: number; input: string }) => [c.id, c.index, c.input];
      expect(Array.from(streamed.cases, shape)).toEqual(Array.from(inMemory.cases, shape));
      expect(Array.from(streamed.trainable, shape)).toEqual(Array.from(inMemory.trainable, shape));
    }
    const streamed = await loadCases(
      await tempSuite('data.jsonl', jsonl, '  id: id\n  sample: { size: 37, seed: 11 }'),
    );
    const expected = sampleIndices(400, 37, 11).map((i) => rows[i]?.id);
    expect(Array.from(streamed.cases, (c) => c.id)).toEqual(expected);
    expect(Array.from(streamed.cases, (c) => c.line)).toEqual(sampleIndices(400, 37, 11).map((i) => i + 1));
  });

  it('keeps the holdout split and samples within its eval part, as the in-memory loader does', async () => {
    const csv = `id,input,expected\n${rows.map((r) => `${r.id},${r.input},${r.expected}`).join('\n')}\n`;
    const suite = await tempSuite('data.csv', csv, '  id: id\n  format: csv\n  sample: { size: 20, seed: 5 }');
    const holdout = { eval: 0.3, seed: 9 };
    const withHoldout: LoadedSuite = { ...suite, training: { ...(suite.training as object), holdout } as never };
    const loaded = await loadCases(withHoldout);
    const evalRows = rows.filter((r) => holdoutSide(r.id, holdout) === 'eval');
    expect(Array.from(loaded.cases, (c) => c.id)).toEqual(
      sampleIndices(evalRows.length, 20, 5).map((i) => evalRows[i]?.id),
    );
    expect(Array.from(loaded.trainable, (c) => c.id)).toEqual(
      rows.filter((r) => holdoutSide(r.id, holdout) === 'train').map((r) => r.id),
    );
  });

  it('reports every duplicate id with both lines, and no other row', async () => {
    const withDuplicates = [...rows.slice(0, 50), rows[3], ...rows.slice(50, 60), rows[3], rows[40]];
    const jsonl = withDuplicates.map((r) => JSON.stringify(r)).join('\n');
    const result = await loadCases(await tempSuite('data.jsonl', jsonl, '  id: id'));
    expect(result.cases.length).toBe(0);
    expect(result.problems.map(formatProblem)).toEqual([
      `data.jsonl:51:1 duplicate id "${rows[3]?.id}" (dataset.id), first used on line 4; ids must be unique`,
      `data.jsonl:62:1 duplicate id "${rows[3]?.id}" (dataset.id), first used on line 4; ids must be unique`,
      `data.jsonl:63:1 duplicate id "${rows[40]?.id}" (dataset.id), first used on line 41; ids must be unique`,
    ]);
  });

  it('reads the file again on each iteration and never parses a row it does not yield', async () => {
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
    const suite = await tempSuite('data.jsonl', jsonl, '  sample: { size: 3, seed: 1 }');
    const loaded = await loadCases(suite);
    const first = [...loaded.cases];
    expect([...loaded.cases]).toEqual(first);
    expect(first.map((c) => c.index)).toEqual([0, 1, 2]);
  });
});
