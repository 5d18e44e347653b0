import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

/**
 * Replaces a file atomically: writes a temporary file beside it, then renames it over the file, so
 * a reader never sees half of it. The temporary name is unique per write, so two writers (two
 * processes, or two calls in one) never write into each other's temporary file.
 */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
