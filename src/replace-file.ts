import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs';

/**
 * The one atomic write: the text goes to a temporary file beside the target, which is then renamed
 * over it, so a reader sees the old file or the whole new one, never half of it.
 */

/**
 * Temporary names are `<file>.<pid>.<tag>.<n>.tmp`: the pid tells a later run whether the writer is
 * still alive, the random tag (one per process) covers a reused pid or another machine, and the
 * counter makes each write unique without a random draw per write.
 */
const TEMP_TAG = `${process.pid}.${randomBytes(4).toString('hex')}`;
const TEMP_NAME = /\.(\d+)\.[0-9a-f]+\.\d+\.tmp$/;
let writes = 0;

/** A fresh temporary name beside `path`. */
export function tempPathFor(path: string): string {
  writes += 1;
  return `${path}.${TEMP_TAG}.${writes}.tmp`;
}

/** The pid of the process that named a temporary file, or undefined for any other name. */
export function tempFileWriter(path: string): number | undefined {
  const pid = Number(TEMP_NAME.exec(path)?.[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

// Callback fs calls wrapped by hand: cheaper per call than fs/promises' FileHandle machinery, which
// matters for the response cache's many small writes.
function writeFileAsync(path: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => writeFile(path, data, (error) => (error ? reject(error) : resolve())));
}

function renameAsync(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => rename(from, to, (error) => (error ? reject(error) : resolve())));
}

/** Removes a file, ignoring any failure (it may be gone already). */
export function removeQuietly(path: string): Promise<void> {
  return new Promise((resolve) => rm(path, { force: true }, () => resolve()));
}

/**
 * Replaces `path` with `text` atomically. `temp` names the temporary file where the caller cleans
 * up its own leftovers (a run folder's); a failed write removes it.
 */
export async function replaceFile(path: string, text: string, temp = tempPathFor(path)): Promise<void> {
  try {
    await writeFileAsync(temp, text);
    await renameAsync(temp, path);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}
