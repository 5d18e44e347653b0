import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from './helpers.js';

const data = path.resolve(import.meta.dirname, '../../evals/data');

interface TestRow {
  input: string;
  expected: string;
}
interface TrainRow {
  input: string;
  output: string;
}

const countBy = (labels: string[]) => {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
};

describe('the committed CLINC150 example data (scripts/clinc150-data.mjs)', () => {
  it('keeps the official split: 4,500 in-scope + 1,000 oos test rows, 15,000 + 100 train rows less the 2 that repeat a test row', async () => {
    const test = await readJsonl<TestRow>(path.join(data, 'clinc150-test.jsonl'));
    const train = await readJsonl<TrainRow>(path.join(data, 'clinc150-train.jsonl'));
    const labels = (await readFile(path.join(data, 'clinc150-labels.txt'), 'utf8')).trim().split('\n');

    expect(labels).toHaveLength(151);
    expect(new Set(labels).size).toBe(151);
    expect(labels.at(-1)).toBe('oos');

    const testCounts = countBy(test.map((row) => row.expected));
    expect(test).toHaveLength(5500);
    expect(testCounts.get('oos')).toBe(1000);
    expect([...testCounts.keys()].sort()).toEqual([...labels].sort());
    // 30 test rows for each of the 150 intents.
    expect(new Set([...testCounts].filter(([label]) => label !== 'oos').map(([, n]) => n))).toEqual(new Set([30]));

    const trainCounts = countBy(train.map((row) => row.output));
    expect(train).toHaveLength(15_098);
    expect(trainCounts.get('oos')).toBe(100);
    expect([...trainCounts.keys()].sort()).toEqual([...labels].sort());

    const testInputs = new Set(test.map((row) => row.input));
    expect(train.filter((row) => testInputs.has(row.input))).toEqual([]);
  });
});
