import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../replace-file.js';
import type { ScoredRecord } from '../scoring/types.js';
import type { RunResults } from './types.js';

export const RESULTS_FILE = 'results.json';
export const CASES_FILE = 'cases.jsonl';
/** Files and folders of a run in progress start with it (see run-folder.ts). */
export const RUN_FOLDER_PREFIX = '.run-';

/** A new run id: sortable by start time, with the pid of the process writing it. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function resultsJsonText(results: RunResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/**
 * Rewrites results.json atomically (e.g. with a section added after the run was published) so a
 * reader never sees half a file. The temporary file is named like a run folder, so a kill leaves
 * nothing the next run does not clean.
 */
export async function writeResultsJson(outDir: string, results: RunResults): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, RESULTS_FILE);
  await replaceFile(path, resultsJsonText(results), join(outDir, `${RUN_FOLDER_PREFIX}${newRunId()}.${RESULTS_FILE}`));
  return path;
}

export interface CasesWriter {
  write(record: ScoredRecord): Promise<void>;
  close(): Promise<void>;
  readonly path: string;
}

/** Lines are gathered into chunks of about this size: one stream write per chunk, not per record. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams one JSON line per case × variant (stamped with `run_id` when given), honouring
 * back-pressure, so 100,000-case runs never hold their records in memory. Everything written is in the file once close() resolves.
 */
export async function openCasesWriter(outDir: string, options: { runId?: string } = {}): Promise<CasesWriter> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, CASES_FILE);
  const stream: WriteStream = createWriteStream(path);
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure = error;
  });
  let pending = '';

  /** Hands the gathered lines to the stream; resolves once the stream can take more. */
  async function flush(): Promise<void> {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        // An error ends the wait too: the stream will never drain after it.
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
    }
    if (failure) throw failure;
  }

  return {
    path,
    async write(record) {
      if (failure) throw failure;
      const line = options.runId === undefined ? record : { run_id: options.runId, ...record };
      pending += `${JSON.stringify(line)}\n`;
      if (pending.length >= CHUNK_CHARS) await flush();
    },
    async close() {
      await flush();
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error || failure ? reject(error ?? failure) : resolve()));
      });
    },
  };
}
