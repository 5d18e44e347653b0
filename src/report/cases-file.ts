import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoredRecord } from '../scoring/types.js';
import { isRecord, readJsonlFile } from './jsonl-file.js';

/**
 * cases.jsonl: one line per case × variant of a run, beside its results.json. This module owns the
 * line's type, its writer and its reader; nothing else parses the file.
 */

export const CASES_FILE = 'cases.jsonl';

/** One line of cases.jsonl: a scored record, stamped with the run's id when the run has one. */
export type CaseLine = ScoredRecord & { run_id?: string };

/** The line, or what is wrong with it (a file that is not a tunegate cases.jsonl, or a damaged line). */
export function parseCaseLine(value: unknown): CaseLine | string {
  if (!isRecord(value)) return 'expected a JSON object (a cases.jsonl record)';
  const { suite, variant, case_id, input, output, error, correct } = value;
  if (typeof suite !== 'string' || typeof variant !== 'string' || typeof case_id !== 'string') {
    return 'expected string fields "suite", "variant" and "case_id" (is this a tunegate cases.jsonl?)';
  }
  if (typeof input !== 'string') return `case ${case_id}: "input" must be a string`;
  if (output !== null && typeof output !== 'string') return `case ${case_id}: "output" must be a string or null`;
  if (error !== undefined && error !== null && typeof error !== 'string') {
    return `case ${case_id}: "error" must be a string or null`;
  }
  if (typeof correct !== 'boolean') return `case ${case_id}: "correct" must be true or false`;
  return value as unknown as CaseLine;
}

/**
 * Streams every line of a cases.jsonl to `visit`, in file order. Bad lines are collected and reported
 * together as `file:line:col message` in one error with `errorCode`.
 */
export async function readCases(path: string, visit: (line: CaseLine) => void, errorCode = 'cases'): Promise<void> {
  await readJsonlFile(
    path,
    (value) => {
      const line = parseCaseLine(value);
      if (typeof line === 'string') return line;
      visit(line);
      return undefined;
    },
    errorCode,
  );
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
