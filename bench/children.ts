// Starting the measurement children and the simulator child, each with the same Node as the bench itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { SIM_READY_PREFIX, type SimFigures, type SimJob } from './protocol.js';

export interface ChildRun<T> {
  figures: T;
  /** From spawn to exit, as the parent saw it: Node start-up, module loading, the work, and exit. */
  process_wall_ms: number;
}

function script(bundleDir: string, name: string): string {
  return join(bundleDir, `${name}.mjs`);
}

/** Runs `name` with `job`, returns the JSON line it printed; kills it after `timeoutMs`. */
export function runChild<T>(
  bundleDir: string,
  name: string,
  job: object,
  options: { timeoutMs: number; nodeArgs?: string[] },
): Promise<ChildRun<T>> {
  const start = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script(bundleDir, name), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const processWallMs = performance.now() - start;
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || last === '') {
        const why = signal === 'SIGKILL' ? `killed after ${options.timeoutMs} ms` : `exit ${code ?? signal}`;
        reject(new Error(`${name} failed (${why}):\n${stderr.trim()}`));
        return;
      }
      resolve({ figures: JSON.parse(last) as T, process_wall_ms: processWallMs });
    });
  });
}

export interface SimChild {
  url: string;
  stats(): Promise<SimFigures>;
  stop(): Promise<void>;
}

function nextLine(lines: Interface, child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`simulator: no ${what} within ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line: string) => finish(null, line);
    const onExit = () => finish(new Error(`simulator exited while waiting for ${what}`));
    function finish(error: Error | null, line?: string) {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line ?? '');
    }
    lines.once('line', onLine);
    child.once('exit', onExit);
  });
}

/** Starts the simulator child and waits for its URL. It exits when its stdin closes (stop, or our own exit). */
export async function startSimChild(bundleDir: string, job: SimJob): Promise<SimChild> {
  const child = spawn(process.execPath, [script(bundleDir, 'sim-child'), JSON.stringify(job)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const ready = await nextLine(lines, child, 'URL', 60_000).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (!ready.startsWith(SIM_READY_PREFIX)) {
    child.kill('SIGKILL');
    throw new Error(`simulator printed "${ready}" instead of its URL`);
  }
  return {
    url: ready.slice(SIM_READY_PREFIX.length),
    async stats() {
      const reply = nextLine(lines, child, 'stats', 10_000);
      child.stdin?.write('stats\n');
      return JSON.parse(await reply) as SimFigures;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
