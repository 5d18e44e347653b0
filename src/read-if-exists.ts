import { access, readFile, stat } from 'node:fs/promises';

/** Whether anything can be reached at `path` (a missing file, or one that cannot be seen, is false). */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether `path` is a regular file (a missing path, or a directory, is false). */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** The file's text, or undefined when it does not exist; any other failure is thrown for the caller to word. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
