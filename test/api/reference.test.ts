import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReferenceResults } from '../../src/api/reference.js';

async function referenceFile(metrics: Record<string, number>): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'tunegate-reference-')), 'results.json');
  const variants = { finetuned: { model: 'ft:m', metrics, passed: true } };
  await writeFile(path, JSON.stringify({ schema_version: 1, suites: [{ name: 'intents', variants }] }));
  return path;
}

describe('readReferenceResults', () => {
  it('counts the answered cases of the accepted run: its errors were no answers', async () => {
    const reference = await readReferenceResults(await referenceFile({ n: 120, errors: 20, correct: 90 }));
    expect(reference.intents?.finetuned).toEqual({ model: 'ft:m', correct: 90, n: 100, passed: true });
  });

  it('reads a file written by hand without an error count', async () => {
    const reference = await readReferenceResults(await referenceFile({ n: 120, correct: 110 }));
    expect(reference.intents?.finetuned?.n).toBe(120);
  });
});
