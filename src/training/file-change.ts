import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readTextIfExists } from '../read-if-exists.js';
import { replaceFile } from '../replace-file.js';

/**
 * A change to one file, computed from its current text (undefined: the file does not exist yet), so
 * the same change applies to the working tree (commit mode) and to a branch on GitHub (pull requests).
 */
export interface FileChange {
  /** Absolute, or relative to the repository's root. */
  file: string;
  update: (current: string | undefined) => string;
}

/** A line appended to a JSONL file, after a newline if the file ends without one. */
export function appendLineChange(file: string, line: string): FileChange {
  return {
    file,
    update: (current = '') => `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`,
  };
}

/** The path relative to the repository's root with forward slashes, or undefined when it lies outside. */
export function insideRepo(repoDir: string, file: string): string | undefined {
  const relative = path.relative(path.resolve(repoDir), path.resolve(repoDir, file)).split(path.sep).join('/');
  return relative.startsWith('../') || relative === '..' || path.isAbsolute(relative) ? undefined : relative;
}

/** Applies a change to the file on disk (created with its folder when missing; replaced atomically). */
export async function applyLocally(repoDir: string, change: FileChange): Promise<string> {
  const file = path.resolve(repoDir, change.file);
  const current = await readTextIfExists(file);
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFile(file, change.update(current));
  return file;
}
