import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../replace-file.js';
import type { RunResults } from './types.js';

export const RESULTS_FILE = 'results.json';
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
