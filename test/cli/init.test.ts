import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { runCli, tempDir } from '../e2e/helpers.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('tunegate init', () => {
  it('scaffolds a suite into an empty folder that then runs offline and passes', async () => {
    const cwd = await tempDir('tunegate-init-');
    const init = await runCli(['init', 'project', '--name', 'intents'], { cwd });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const root = join(cwd, 'project');
    expect(await listFiles(root)).toEqual([
      '.github/workflows/tunegate.yml',
      'evals/data/NOTICE.md',
      'evals/data/intents.jsonl',
      'evals/intents.tunegate.yaml',
      'evals/sim/intents.yaml',
    ]);
    const suite = await readFile(join(root, 'evals/intents.tunegate.yaml'), 'utf8');
    expect(suite.split('\n')[0]).toBe(
      `# yaml-language-server: $schema=https://cdn.jsdelivr.net/npm/tunegate@${VERSION}/schemas/suite.schema.json`,
    );
    const rows = (await readFile(join(root, 'evals/data/intents.jsonl'), 'utf8')).trim().split('\n');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThanOrEqual(20);
    expect(await readFile(join(root, 'evals/data/NOTICE.md'), 'utf8')).toMatch(/BANKING77[\s\S]*CC|Creative Commons/);
    expect(await readFile(join(root, '.github/workflows/tunegate.yml'), 'utf8')).toMatch(
      /pull_request:[\s\S]*suites: evals\/intents\.tunegate\.yaml[\s\S]*sim-config: evals\/sim\/intents\.yaml/,
    );

    // The printed next command is the one that works: run it, from the folder it names.
    const next = init.stdout.match(/cd project && npx tunegate (run .+)\n/)?.[1];
    expect(next).toBeDefined();
    const argv = (next ?? '').split(' ');
    const run = await runCli([...argv, '--quiet'], { cwd: root });
    // No warning either: the scaffold names models that are served and not about to shut down.
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/intents/);
  });

  it('never overwrites: an existing target is listed, exit 2, and nothing is written', async () => {
    const cwd = await tempDir('tunegate-init-');
    await writeFile(join(cwd, 'keep.txt'), 'mine');
    const first = await runCli(['init', '--name', 'a'], { cwd });
    expect(first.code).toBe(0);
    const before = await listFiles(cwd);
    await writeFile(join(cwd, 'evals/data/NOTICE.md'), 'changed by the user');
    const second = await runCli(['init', '--name', 'b'], { cwd });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/evals\/data\/NOTICE\.md/);
    expect(second.stderr).not.toMatch(/evals\/b\.tunegate\.yaml/);
    expect(await listFiles(cwd)).toEqual(before);
    expect(await readFile(join(cwd, 'evals/data/NOTICE.md'), 'utf8')).toBe('changed by the user');
  });

  it('names the suite after the folder, and refuses a name the schema would reject', async () => {
    const cwd = await tempDir('tunegate-init-');
    const named = await runCli(['init', 'My Bot'], { cwd });
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/wrote evals\/My-Bot\.tunegate\.yaml/);
    expect(named.stdout).toMatch(/cd 'My Bot' && npx tunegate run/);
    const bad = await runCli(['init', '--name=-x'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid suite name/);
    const task = await runCli(['init', '--task', 'summarize'], { cwd });
    expect(task.code).toBe(2);
    expect(task.stderr).toMatch(/--task expects one of classification/);
  });
});
