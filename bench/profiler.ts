// Profiles just the measured window of a child (not its start-up) with the inspector's sampling profiler.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** Starts profiling when `path` is set; the returned function stops and writes a .cpuprofile there. */
export async function profileTo(path: string | undefined): Promise<() => Promise<void>> {
  if (path === undefined) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await writeFile(path, JSON.stringify(profile));
  };
}
