import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CASES_FILE, openCasesWriter } from '../../src/report/files.js';
import type { ScoredRecord } from '../../src/scoring/types.js';
import { caseRecord } from '../scoring/records.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tunegate-files-'));
  dirs.push(dir);
  return dir;
}

function scored(index: number): ScoredRecord {
  return {
    ...caseRecord({ index, case_id: String(index), input: `message ${index} `.repeat(20) }),
    correct: true,
    scores: [],
  };
}

describe('openCasesWriter', () => {
  it('writes every record as one JSON line, in order, once closed (many chunks)', async () => {
    const dir = await tempDir();
    const writer = await openCasesWriter(join(dir, 'out'));
    const count = 3000; // about 1 MB: many flushes, and the stream's buffer fills (back-pressure)
    for (let i = 0; i < count; i++) await writer.write(scored(i));
    await writer.close();
    expect(writer.path).toBe(join(dir, 'out', CASES_FILE));
    const lines = (await readFile(writer.path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(count);
    expect(lines.map((line) => (JSON.parse(line) as ScoredRecord).index)).toEqual([...Array(count).keys()]);
    expect(JSON.parse(lines[7] as string)).toEqual(scored(7));
  });

  it('writes the last partial chunk on close', async () => {
    const dir = await tempDir();
    const writer = await openCasesWriter(dir);
    await writer.write(scored(1));
    await writer.write(scored(2));
    await writer.close();
    const lines = (await readFile(writer.path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as ScoredRecord).index)).toEqual([1, 2]);
  });

  it('reports a file that cannot be written', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, CASES_FILE)); // a directory where the file should go
    const writer = await openCasesWriter(dir);
    const attempt = async () => {
      for (let i = 0; i < 1000; i++) await writer.write(scored(i));
      await writer.close();
    };
    await expect(attempt()).rejects.toThrow(/EISDIR/);
  });
});
