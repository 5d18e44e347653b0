import { access, readFile } from 'node:fs/promises';

/** Whether anything can be reached at `path` (a missing file, or one that cannot be seen, is false). */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
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
