import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CASES_FILE, openCasesWriter } from '../../src/report/cases-file.js';
import { newRunId, RESULTS_FILE, writeResultsJson } from '../../src/report/files.js';
import { stageRun } from '../../src/report/run-folder.js';
import type { ScoredRecord } from '../../src/scoring/types.js';
import { caseRecord } from '../scoring/records.js';
import { results as resultsFixture, variant } from './fixtures.js';

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

async function readPair(dir: string): Promise<{ runId: string; lines: { run_id: string; index: number }[] }> {
  const results = JSON.parse(await readFile(join(dir, RESULTS_FILE), 'utf8')) as { run_id: string };
  const text = await readFile(join(dir, CASES_FILE), 'utf8');
  const lines = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { run_id: string; index: number });
  return { runId: results.run_id, lines };
}

/** Runs one staged run of `count` records to the end. */
async function completeRun(outDir: string, count: number): Promise<string> {
  const run = stageRun(outDir);
  for (let i = 0; i < count; i++) await run.cases.write(scored(i));
  await run.publish({ ...resultsFixture({ prompted: variant() }), run_id: run.runId });
  return run.runId;
}

/** A pid no process has: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('stageRun', () => {
  it('publishes results.json and cases.jsonl together, stamped with the same run id, replacing the last pair', async () => {
    const out = join(await tempDir(), 'out');
    const first = await completeRun(out, 3);
    const second = await completeRun(out, 5);
    expect(second).not.toBe(first);
    const { runId, lines } = await readPair(out);
    expect(runId).toBe(second);
    expect(lines.map((line) => line.index)).toEqual([0, 1, 2, 3, 4]);
    expect(lines.every((line) => line.run_id === second)).toBe(true);
    // The run folder is gone once published.
    expect((await readdir(out)).sort()).toEqual([CASES_FILE, RESULTS_FILE]);
  });

  it('streams into its own folder while running: the published pair stays the previous run until the end', async () => {
    const out = await tempDir();
    const previous = await completeRun(out, 2);
    const run = stageRun(out);
    for (let i = 0; i < 10; i++) await run.cases.write(scored(i));
    const during = await readPair(out);
    expect(during.runId).toBe(previous);
    expect(during.lines.map((line) => line.run_id)).toEqual([previous, previous]);
    await run.publish({ ...resultsFixture({ prompted: variant() }), run_id: run.runId });
    expect((await readPair(out)).lines).toHaveLength(10);
  });

  it('touches nothing until its first record: a refused run leaves the out dir as it was', async () => {
    const parent = await tempDir();
    const missing = join(parent, 'never-made');
    await stageRun(missing).discard();
    await expect(readdir(missing)).rejects.toThrow(/ENOENT/);

    const out = join(parent, 'out');
    await completeRun(out, 4);
    const before = await Promise.all([RESULTS_FILE, CASES_FILE].map((file) => readFile(join(out, file), 'utf8')));
    await stageRun(out).discard();
    const after = await Promise.all([RESULTS_FILE, CASES_FILE].map((file) => readFile(join(out, file), 'utf8')));
    expect(after).toEqual(before);
    expect((await readdir(out)).sort()).toEqual([CASES_FILE, RESULTS_FILE]);
  });

  it('discards the folder of a run that failed after writing, keeping the previous pair', async () => {
    const out = await tempDir();
    const previous = await completeRun(out, 2);
    const run = stageRun(out);
    await run.cases.write(scored(0));
    await run.discard();
    expect((await readdir(out)).sort()).toEqual([CASES_FILE, RESULTS_FILE]);
    expect((await readPair(out)).runId).toBe(previous);
  });

  it('publishes an empty cases.jsonl for a run without records', async () => {
    const out = await tempDir();
    const run = stageRun(out);
    await run.publish({ ...resultsFixture({ prompted: variant() }), run_id: run.runId });
    expect(await readPair(out)).toEqual({ runId: run.runId, lines: [] });
  });

  it('removes the folders of dead runs when it starts writing, and leaves those of live runs', async () => {
    const out = await tempDir();
    const dead = `.run-20260101T000000000Z-${await deadPid()}-aaaaaa`;
    // The parent of this test process is alive; our own pid on a leftover is an earlier process's.
    const live = `.run-20260101T000000000Z-${process.ppid}-bbbbbb`;
    const reused = `.run-20260101T000000000Z-${process.pid}-cccccc`;
    for (const name of [dead, live, reused]) {
      await mkdir(join(out, name));
      await writeFile(join(out, name, CASES_FILE), 'partial');
    }
    const staleRewrite = `.run-20260101T000000000Z-${await deadPid()}-dddddd.${RESULTS_FILE}`;
    await writeFile(join(out, staleRewrite), '{');
    const run = stageRun(out);
    expect((await readdir(out)).sort()).toEqual([dead, live, reused, staleRewrite].sort()); // nothing yet
    await run.cases.write(scored(0));
    expect((await readdir(out)).sort()).toEqual([live, `.run-${run.runId}`].sort());
    await run.discard();
  });
});

describe('writeResultsJson', () => {
  it('rewrites results.json of the published run in one step, leaving no temporary file', async () => {
    const out = await tempDir();
    const runId = await completeRun(out, 2);
    const { runId: published } = await readPair(out);
    const rewritten = { ...resultsFixture({ prompted: variant() }), run_id: published, simulated: true };
    await writeResultsJson(out, rewritten);
    expect(JSON.parse(await readFile(join(out, RESULTS_FILE), 'utf8'))).toMatchObject({
      run_id: runId,
      simulated: true,
    });
    expect((await readdir(out)).sort()).toEqual([CASES_FILE, RESULTS_FILE]);
  });
});

describe('newRunId', () => {
  it('sorts by start time and carries the pid', () => {
    const early = newRunId(new Date('2026-01-01T00:00:00.000Z'));
    const late = newRunId(new Date('2026-01-01T00:00:00.001Z'));
    expect(early).toMatch(new RegExp(`^20260101T000000000Z-${process.pid}-[0-9a-f]{6}$`));
    expect([late, early].sort()).toEqual([early, late]);
  });
});
