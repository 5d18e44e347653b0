import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, tempDir, writeSuite } from './helpers.js';

/**
 * The CLI as a process, signalled the way a terminal (Ctrl-C), a CI runner (SIGTERM) or the kernel
 * (SIGKILL) would. It is bundled from the sources into a temporary folder first.
 */
const root = join(import.meta.dirname, '..', '..');
let cli: string;
let dir: string;
/** The dataset, copied beside the suites: a suite reads only inside its own folder tree. */
let dataset: string;

beforeAll(async () => {
  dir = await tempDir('tunegate-interrupt-');
  dataset = await copyBankingSample(dir);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), join(dir, 'dist')], { cwd: root });
  cli = join(dir, 'dist', 'cli.js');
}, 120_000);

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]): Child {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function suiteYaml(url: string, sample: number, concurrency: number): string {
  return `name: interrupted
dataset: { path: ${JSON.stringify(dataset)}, sample: { size: ${sample}, seed: 3 } }
task: { kind: classification }
providers:
  sim: { base_url: ${url}, concurrency: ${concurrency}, max_retries: 0, timeout_ms: 60000 }
variants:
  big: { role: prompted, provider: sim, model: gpt-4.1 }
  small: { role: finetuned, provider: sim, model: gpt-4.1-nano }
`;
}

interface Line {
  run_id: string;
  error: string | null;
  output: string | null;
}
interface Results {
  run_id: string;
  summary: { calls: number; errors: number; incomplete: boolean; passed: boolean };
  suites: { variants: Record<string, { metrics: { n: number; errors: number; correct: number; accuracy: number } }> }[];
}

/** results.json and cases.jsonl of an out dir; null when results.json is absent. */
async function readPair(out: string): Promise<{ results: Results; lines: Line[] } | null> {
  let text: string;
  try {
    text = await readFile(join(out, 'results.json'), 'utf8');
  } catch {
    return null;
  }
  return { results: JSON.parse(text) as Results, lines: await readJsonl<Line>(join(out, 'cases.jsonl')) };
}

/** A simulator for the enclosing describe block, its models answering in `latencyMs`. */
function useSimulator(latencyMs: number): { readonly url: string; readonly completions: number } {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulatorWith(latencyMs);
  });
  afterAll(async () => {
    await sim?.close();
  });
  const running = () => sim as RunningSimulator;
  return {
    get url() {
      return running().url;
    },
    get completions() {
      return running().stats.completions;
    },
  };
}

async function startSimulatorWith(latencyMs: number): Promise<RunningSimulator> {
  const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
  return startSimulator({
    cases,
    models: {
      'gpt-4.1': { accuracy: 0.9, latency_ms: latencyMs },
      'gpt-4.1-nano': { accuracy: 0.85, latency_ms: latencyMs },
    },
  });
}

describe('SIGINT and SIGTERM', () => {
  const sim = useSimulator(100);

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops the run and writes its results marked incomplete, every planned call accounted for (exit 3)',
    async (signal) => {
      // 400 calls of 100 ms, two at a time: 20 s if nobody stopped it.
      const suite = await writeSuite(dir, `stop-${signal}.yaml`, suiteYaml(sim.url, 200, 2));
      const out = join(dir, `out-${signal}`);
      const before = sim.completions;
      const run = startCli(['run', suite, '--out', out, '--no-cache', '--quiet']);
      await waitFor(() => sim.completions - before >= 10);
      const sentAt = performance.now();
      run.process.kill(signal);
      const { code, at } = await run.exited;
      expect(run.stderr()).toContain('Interrupted: no new calls');
      expect(code).toBe(3);
      expect(at - sentAt).toBeLessThan(10_000); // stopped, not run to the end
      expect(run.stdout()).toContain('Run failed: the run was interrupted before every case ran');
      expect(run.stdout()).toContain('(incomplete)');

      const pair = await readPair(out);
      expect(pair?.results.summary).toMatchObject({ calls: 400, incomplete: true, passed: false });
      expect(pair?.lines).toHaveLength(400);
      expect(pair?.lines.every((line) => line.run_id === pair.results.run_id)).toBe(true);
      const notRun = pair?.lines.filter((line) => line.error?.startsWith('not run')) ?? [];
      const answered = pair?.lines.filter((line) => line.error === null) ?? [];
      expect(notRun.length).toBeGreaterThan(0);
      expect(answered.length).toBeGreaterThanOrEqual(10);
      expect(pair?.results.summary.errors).toBe(400 - answered.length);
      // Accuracy is measured on what was answered, not diluted by the calls never made.
      const big = pair?.results.suites[0]?.variants.big?.metrics;
      expect(big && big.correct / (big.n - big.errors)).toBeCloseTo(big?.accuracy ?? -1, 12);
      expect(big?.accuracy).toBeGreaterThan(0.5);
    },
    40_000,
  );
});

describe('a second SIGINT', () => {
  const slow = useSimulator(8000);

  it('aborts the calls in flight at once, and the results are still written', async () => {
    const suite = await writeSuite(dir, 'hard-stop.yaml', suiteYaml(slow.url, 20, 2));
    const out = join(dir, 'out-hard');
    const before = slow.completions;
    const run = startCli(['run', suite, '--out', out, '--no-cache', '--quiet']);
    await waitFor(() => slow.completions - before >= 2); // two calls of 8 s in flight
    run.process.kill('SIGINT');
    await waitFor(() => run.stderr().includes('Interrupted'));
    const secondAt = performance.now();
    run.process.kill('SIGINT');
    const { code, at } = await run.exited;
    expect(code).toBe(3);
    // Well before the calls in flight could finish, or the grace period end.
    expect(at - secondAt).toBeLessThan(2000);
    const pair = await readPair(out);
    // Every call errs: the two in flight were cut off, the rest never made.
    expect(pair?.results.summary).toMatchObject({ calls: 40, errors: 40, incomplete: true });
    expect(pair?.lines).toHaveLength(40);
  }, 30_000);
});

describe('SIGKILL', () => {
  const sim = useSimulator(1);

  it('never leaves results.json and cases.jsonl from different runs, wherever the run is killed', async () => {
    const out = join(dir, 'out-killed');
    // Each run has its own sample size, so a pair from two runs cannot match by chance.
    const suiteFor = (k: number) => writeSuite(dir, `killed-${k}.yaml`, suiteYaml(sim.url, 100 + k, 8));
    const first = startCli(['run', await suiteFor(0), '--out', out, '--no-cache', '--quiet']);
    expect((await first.exited).code).toBe(0);
    expect((await readPair(out))?.lines).toHaveLength(200);

    /** Starts run k and kills it once `share` of its calls were served and `afterMs` more have passed. */
    const killRun = async (k: number, share: number, afterMs: number) => {
      const calls = 2 * (100 + k);
      const before = sim.completions;
      const run = startCli(['run', await suiteFor(k), '--out', out, '--no-cache', '--quiet']);
      let exited = false;
      void run.exited.then(() => {
        exited = true;
      });
      await waitFor(() => exited || sim.completions - before >= share * calls, 30_000);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      run.process.kill('SIGKILL');
      await run.exited;
      const pair = await readPair(out);
      if (pair !== null) {
        expect(pair.lines).toHaveLength(pair.results.summary.calls);
        expect(pair.lines.every((line) => line.run_id === pair.results.run_id)).toBe(true);
      }
      return pair;
    };

    // Part-way through the calls.
    await killRun(1, 0.25, 0);
    let published = (await killRun(2, 0.9, 0))?.results.run_id;
    // After the last call the run scores, decides and moves its files into place: bisect the kill
    // time towards that moment, so that kills land just before, inside and just after it.
    let early = 0;
    let late = 1000;
    for (let k = 3; k < 9; k++) {
      const delay = (early + late) / 2;
      const pair = await killRun(k, 1, delay);
      if (pair === null || pair.results.run_id !== published) late = delay;
      else early = delay;
      published = pair?.results.run_id ?? published;
    }

    // The next run cleans the folders the killed runs left, and publishes its own pair.
    const last = startCli(['run', await suiteFor(99), '--out', out, '--no-cache', '--quiet']);
    expect((await last.exited).code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['cases.jsonl', 'results.json']);
    const pair = await readPair(out);
    expect(pair?.lines).toHaveLength(2 * 199);
    expect(pair?.lines.every((line) => line.run_id === pair.results.run_id)).toBe(true);
  }, 120_000);
});
