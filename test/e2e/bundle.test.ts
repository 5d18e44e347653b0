import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BANKING_SAMPLE, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function runBundled(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } });
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
});
