import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');

/** The README's offline training loop: the `sh` block whose commands start with `npx tunegate training-set`. */
async function readmeLoop(): Promise<string[][]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((text) => text.startsWith('npx tunegate training-set'));
  if (!block) throw new Error('README: no sh block starting with "npx tunegate training-set"');
  return block
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).slice(2));
}

describe("the README's training loop, offline, exactly as written", () => {
  it('builds the set, starts the job, resumes it by id, and promotes the trained model (dry run)', async () => {
    const cwd = await tempDir();
    await cp(join(root, 'evals'), join(cwd, 'evals'), { recursive: true });
    const commands = await readmeLoop();
    expect(commands.map((argv) => argv[0])).toEqual(['training-set', 'train', 'train', 'promote']);
    const filled: Record<string, string> = {};
    const outputs: string[] = [];
    for (const argv of commands) {
      const args = argv.map((arg) => filled[arg] ?? arg);
      const run = await runCli(args, { cwd });
      expect(run.stderr).not.toMatch(/unexpected error/);
      expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
      outputs.push(run.stdout);
      const job = run.stdout.match(/^job (\S+) on fireworks: queued \(started\)/m);
      if (job) filled.JOB_ID = job[1] as string;
      const trained = run.stdout.match(/: succeeded, model (\S+)/);
      if (trained) filled.TRAINED_MODEL = trained[1] as string;
    }
    expect(outputs[0]).toMatch(/training set: \d{4} train \+ \d+ validation examples/);
    expect(outputs[0]).toMatch(/eval-set leaks: /);
    expect(filled.JOB_ID).toBeDefined();
    expect(filled.TRAINED_MODEL).toMatch(/^accounts\/acme\/models\//);
    expect(outputs[3]).toMatch(new RegExp(`PROMOTE ${filled.TRAINED_MODEL}`));
    // A dry run writes nothing: the registry still names the champion.
    expect(await readFile(join(cwd, 'evals', 'models.yaml'), 'utf8')).toContain(
      'model: accounts/acme/models/banking77-llama-v3p1-8b',
    );
  }, 180_000);
});
