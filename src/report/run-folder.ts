import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../process-alive.js';
import type { ScoredRecord } from '../scoring/types.js';
import { CASES_FILE, type CasesWriter, openCasesWriter } from './cases-file.js';
import { newRunId, RESULTS_FILE, RUN_FOLDER_PREFIX, resultsJsonText } from './files.js';
import type { RunResults } from './types.js';

/**
 * A run writes its `results.json` and `cases.jsonl` into a fresh folder `DIR/.run-<id>/` and moves
 * them into `DIR` only once both are complete, so that `DIR/results.json` and `DIR/cases.jsonl`
 * never come from different runs, whenever the run is killed:
 *
 * 1. both files are written and flushed to disk inside the run folder;
 * 2. the previous `DIR/results.json` is removed;
 * 3. `cases.jsonl` is renamed into `DIR` (atomic: the old file or the new one, never half of one);
 * 4. `results.json` is renamed into `DIR`.
 *
 * A reader therefore sees either a matching pair or, for the instant between steps 2 and 4 (or after
 * a kill there), a `cases.jsonl` with no `results.json` beside it — never a `results.json` describing
 * other cases. Both files carry the run's `run_id`. Nothing is created until the first record is
 * written, so a run refused before its first call (budget estimate, validation) leaves the out dir
 * as it was. Run folders left by runs that died are removed when the next run starts writing.
 * Two runs writing to the same out dir at the same time are not supported.
 */

/** `.run-<time>-<pid>-<random>`: the pid tells whether the run that owns a leftover is still alive. */
const RUN_ENTRY = /^\.run-[0-9TZ]+-(\d+)-/;

/** A leftover with our own pid is from an earlier process (e.g. pid 1 in a container), so it is dead. */
function ownerIsAlive(pid: number): boolean {
  return pid !== process.pid && processAlive(pid);
}

/** Removes run folders (and temporary results files) whose process is gone. */
export async function removeDeadRunFolders(outDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch {
    return [];
  }
  const dead = entries.filter((entry) => {
    const pid = RUN_ENTRY.exec(entry)?.[1];
    return pid !== undefined && !ownerIsAlive(Number(pid));
  });
  await Promise.all(dead.map((entry) => rm(join(outDir, entry), { recursive: true, force: true })));
  return dead;
}

async function flushToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface StagedRun {
  readonly runId: string;
  /** cases.jsonl inside the run folder (it exists once a record was written). */
  readonly casesPath: string;
  /** Streams records into the run folder, each stamped with the run id; the folder is made on the first one. */
  readonly cases: Pick<CasesWriter, 'write' | 'close'>;
  /** Writes results.json beside cases.jsonl and moves both into the out dir; returns the path of results.json. */
  publish(results: RunResults): Promise<string>;
  /** Removes the run folder, if one was made: the run failed and publishes nothing. */
  discard(): Promise<void>;
}

/** Stages a run's files in `outDir/.run-<runId>/`; touches nothing until the first record or `publish`. */
export function stageRun(outDir: string, runId = newRunId()): StagedRun {
  const runDir = join(outDir, `${RUN_FOLDER_PREFIX}${runId}`);
  const casesPath = join(runDir, CASES_FILE);
  let writer: Promise<CasesWriter> | null = null;
  let closed = false;

  function openWriter(): Promise<CasesWriter> {
    writer ??= (async () => {
      await mkdir(outDir, { recursive: true });
      await removeDeadRunFolders(outDir);
      return openCasesWriter(runDir, { runId });
    })();
    return writer;
  }

  async function close(): Promise<void> {
    if (closed || writer === null) return;
    closed = true;
    await (await writer).close();
  }

  return {
    runId,
    casesPath,
    cases: {
      async write(record: ScoredRecord) {
        await (await openWriter()).write(record);
      },
      close,
    },
    async publish(results) {
      await openWriter(); // a run without a single record still publishes an (empty) cases.jsonl
      await close();
      const stagedResults = join(runDir, RESULTS_FILE);
      await writeFile(stagedResults, resultsJsonText(results));
      await flushToDisk(casesPath);
      await flushToDisk(stagedResults);
      const published = join(outDir, RESULTS_FILE);
      await rm(published, { force: true });
      await rename(casesPath, join(outDir, CASES_FILE));
      await rename(stagedResults, published);
      await rm(runDir, { recursive: true, force: true });
      return published;
    },
    async discard() {
      if (writer === null) return;
      await close().catch(() => {});
      await rm(runDir, { recursive: true, force: true });
    },
  };
}
