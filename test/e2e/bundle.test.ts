import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BANKING_SAMPLE, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

/** `nodeArgs` go before the CLI's path; `env` adds to a bare PATH (no provider keys: nothing is asked over the network). */
function runBundled(
  args: string[],
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', ...options.env };
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the bundled CLI (dist/cli.js)', () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill('SIGKILL');
  });

  it('runs the quick-start suite offline on the simulator and writes results.json', async () => {
    const out = await tempDir();
    const { code, stdout, stderr } = await runBundled([
      'run',
      'evals/banking77.yaml',
      '--sim-config',
      'evals/sim/banking77.yaml',
      '--out',
      out,
      '--cache-dir',
      join(out, 'cache'),
    ]);
    expect(stderr).not.toMatch(/unexpected error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SIMULATED/);
    expect(stdout).toMatch(/prompted\s+prompted\s+gpt-5\.5\s+603\s+0\s+93\.0%/);
    expect(stdout).toMatch(
      /finetuned\s+finetuned\s+accounts\/acme\/models\/banking77-llama-v3p1-8b\s+603\s+0\s+92\.0%/,
    );
    expect(stdout).toMatch(/verdict: SWITCH/);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.suites[0].variants.prompted.metrics.n).toBe(603);
  });

  it('serves the simulator with "tunegate sim" and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'sim', '--dataset', BANKING_SAMPLE, '--port', '0'], { cwd: root });
    server = child;
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(text);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`sim exited early: ${text}`)));
    });
    const models = await fetch(`${url}/models`);
    expect(models.headers.get('x-tunegate-simulator')).toBe('1');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('loads only what the command needs: the parser for --version/--help; no SDK or price tables for validate', async () => {
    // Today about 16 KB, 16 KB and 470 KB; the CLI with all its dependencies is over 4 MB, and the openai SDK
    // plus the price tables alone are 850 KB.
    const limits: [string[], number][] = [
      [['--version'], 64 * 1024],
      [['--help'], 64 * 1024],
      [['validate', 'evals/banking77.yaml'], 800 * 1024],
    ];
    const recorder = join(root, 'scripts', 'record-loads.mjs');
    for (const [args, limit] of limits) {
      const { code, stderr } = await runBundled(args, { nodeArgs: ['--import', recorder] });
      expect(code).toBe(0);
      const line = stderr.split('\n').find((text) => text.startsWith('tunegate-loads '));
      const files: string[] = JSON.parse(line?.slice('tunegate-loads '.length) ?? 'null');
      expect(files).toContain(cli);
      const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
      const bytes = sizes.reduce((sum, size) => sum + size, 0);
      expect(bytes, `tunegate ${args.join(' ')} loads ${files.length} files`).toBeLessThan(limit);
    }
  });

  it("turns on Node's compile cache, so later starts read compiled code instead of compiling it again", async () => {
    const tmp = await tempDir();
    const { code } = await runBundled(['validate', 'evals/banking77.yaml'], { env: { TMPDIR: tmp } });
    expect(code).toBe(0);
    // Node keeps the cache in <os.tmpdir()>/node-compile-cache/<node version and flags>/<one file per module>.
    const [versionDir] = await readdir(join(tmp, 'node-compile-cache'));
    expect(versionDir).toBeDefined();
    const entries = await readdir(join(tmp, 'node-compile-cache', versionDir ?? ''));
    expect(entries.length).toBeGreaterThan(3);
  });
});
