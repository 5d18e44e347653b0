import { open, rm, stat } from 'node:fs/promises';
import { ExitCode, TunegateError } from '../errors.js';

/** A lock older than this was left by a process that died while holding it. */
const STALE_AFTER_MS = 30_000;
const GIVE_UP_AFTER_MS = 60_000;

/**
 * Runs `action` while holding `lockFile`, created exclusively (`wx`): other processes, and other callers
 * in this one, wait their turn. A lock left behind by a crashed writer is taken over once it is stale.
 */
export async function withFileLock<T>(lockFile: string, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockFile)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new TunegateError(
          'ledger',
          `${lockFile} has been held for over a minute; if no other tunegate is running, delete it`,
          { exitCode: ExitCode.runtime },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockFile)).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false; // gone already: the next attempt takes it
  }
}
