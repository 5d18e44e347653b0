import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { buildBundle, runCli, tempDir, writeSuite } from './helpers.js';

const _root = join(import.meta.dirname, '..', '..');
const CASES = Array.from({ length: 200 }, (_, i) => ({ input: `customer message ${i}`, expected: `label_${i % 5}` }));

/** Cache entries (`.json`) and temporary files (`.tmp`) under the cache directory. */
async function cacheFiles(dir: string): Promise<{ entries: number; temps: string[] }> {
  const shards = (await readdir(dir).catch(() => [])).filter((name) => /^[0-9a-f]{2}$/.test(name));
  const files = (
    await Promise.all(shards.map(async (s) => (await readdir(join(dir, s))).map((f) => join(s, f))))
  ).flat();
  return { entries: files.filter((f) => f.endsWith('.json')).length, temps: files.filter((f) => f.endsWith('.tmp')) };
}

describe('a run killed with SIGKILL, then run again', () => {
  let simulator: RunningSimulator;
  let cli: string;

  beforeAll(async () => {
    // The CLI as it ships, bundled from the current sources, in a process of its own to kill.
    cli = (await buildBundle()).cli;
    simulator = await startSimulator({
      cases: CASES,
      models: { big: { accuracy: 0.9, latency_ms: 20 }, small: { accuracy: 0.8, latency_ms: 20 } },
    });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('makes only the calls the killed run had not answered', async () => {
    const dir = await tempDir();
    const data = join(dir, 'cases.jsonl');
    await writeFile(data, CASES.map((c) => JSON.stringify(c)).join('\n'));
    const suite = await writeSuite(
      dir,
      'suite.yaml',
      `name: killed
dataset: { path: cases.jsonl }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url}, concurrency: 8 }
variants:
  big: { role: prompted, provider: sim, model: big }
  small: { role: finetuned, provider: sim, model: small }
`,
    );
    const args = ['run', suite, '--out', 'out', '--cache-dir', 'cache', '--quiet'];
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    while (simulator.stats.completions < 150) await new Promise((resolve) => setTimeout(resolve, 2));
    child.kill('SIGKILL');
    await exited;
    const firstRun = simulator.stats.completions;
    expect(firstRun).toBeLessThan(400);

    const cache = join(dir, 'cache');
    const { entries } = await cacheFiles(cache);
    expect(entries).toBeGreaterThan(100);
    // A write the kill cut short leaves a temporary file named after the dead process.
    const orphan = join(cache, '00', `${'0'.repeat(64)}.json.${child.pid}.0a1b2c3d.1.tmp`);
    await mkdir(join(cache, '00'), { recursive: true });
    await writeFile(orphan, '{"text":');

    const rerun = await runCli(args, { cwd: dir });
    expect(rerun.code).toBe(0);
    expect(simulator.stats.completions - firstRun).toBe(400 - entries);
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ calls: 400, errors: 0, cached: entries });
    expect((await cacheFiles(cache)).temps).toEqual([]);
  });
});
