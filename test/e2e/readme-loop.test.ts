import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startFakeRepo } from '../promote/fake-git-data.js';
import { runCli, tempDir } from './helpers.js';
import { readmeBlock } from './readme-commands.js';

const root = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', args, { cwd })).stdout.trim();
}

describe("the README's training loop, offline, exactly as written", () => {
  it('runs, builds and distils the set, trains and resumes, then promotes by dry run, pull request and commit', async () => {
    const cwd = await tempDir();
    await cp(join(root, 'evals'), join(cwd, 'evals'), { recursive: true });
    // "In a clone of this repository": a git work tree with the shipped suite committed.
    await git(cwd, 'init', '--quiet', '--initial-branch=main');
    await git(cwd, 'add', 'evals');
    await git(cwd, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'clone');
    const suiteText = await readFile(join(cwd, 'evals', 'banking77.yaml'), 'utf8');
    const registryText = await readFile(join(cwd, 'evals', 'models.yaml'), 'utf8');
    const fake = await startFakeRepo('acme', 'support-bot', {
      'evals/banking77.yaml': suiteText,
      'evals/models.yaml': registryText,
    });
    try {
      const loop = await readmeBlock('npx tunegate distill');
      const apply = await readmeBlock('--mode pull-request');
      expect(loop.map((c) => c.argv[0])).toEqual(['run', 'training-set', 'distill', 'train', 'train', 'promote']);
      expect(apply.map((c) => c.argv.at(-1))).toEqual(['pull-request', 'commit']);
      const filled: Record<string, string> = { OWNER: 'acme', REPO: 'support-bot' };
      const outputs: string[] = [];
      for (const command of [...loop, ...apply]) {
        const args = command.argv.map((arg) => filled[arg] ?? arg);
        const env = Object.fromEntries(
          Object.entries(command.env).map(([name, value]) => [
            name,
            value.replace(/[A-Z_]+/g, (word) => filled[word] ?? word),
          ]),
        );
        // The one thing the README leaves to the reader: where GitHub's API is (here, the local fake).
        if (env.GITHUB_TOKEN) env.GITHUB_API_URL = fake.url;
        const run = await runCli(args, { cwd, env });
        expect(run.stderr).not.toMatch(/unexpected error/);
        expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
        outputs.push(run.stdout);
        const job = run.stdout.match(/^job (\S+) on fireworks: queued \(started\)/m);
        if (job) filled.JOB_ID = job[1] as string;
        const trained = run.stdout.match(/: succeeded, model (\S+)/);
        if (trained) filled.TRAINED_MODEL = trained[1] as string;
      }
      const [run, trainingSet, distill, , , dryRun, pullRequest, commit] = outputs;
      expect(run).toMatch(/verdict: SWITCH/);
      expect(trainingSet).toMatch(/training set: \d{4} train \+ \d+ validation examples/);
      expect(trainingSet).toMatch(/eval-set leaks: /);
      expect(distill).toMatch(/^distilled 60 examples into /m);
      const rows = (await readFile(join(cwd, 'training', 'banking77', 'train.jsonl'), 'utf8')).trim().split('\n');
      const built = Number(/training set: (\d+) train/.exec(trainingSet ?? '')?.[1]);
      const distilled = Number(/training set: (\d+) train/.exec(distill ?? '')?.[1]);
      expect(distilled).toBeGreaterThan(built);
      expect(rows).toHaveLength(distilled);
      expect(filled.JOB_ID).toBeDefined();
      const model = filled.TRAINED_MODEL as string;
      expect(model).toMatch(/^accounts\/acme\/models\//);
      expect(dryRun).toMatch(new RegExp(`PROMOTE ${model}`));
      expect(dryRun).toContain('dry run: nothing written');

      // The pull request: one commit on the base with the registry, the ledger line and the suite.
      expect(pullRequest).toContain('pull-request: registry updated (https://github.com/acme/support-bot/pull/1)');
      const [pull] = fake.pulls;
      const prCommit = fake.commits.get(fake.branches.get(pull?.head ?? '')?.sha ?? '');
      expect(prCommit?.parents).toEqual([fake.branches.get('main')?.sha]);
      expect(prCommit?.files.get('evals/models.yaml')).toContain(`model: ${model}`);
      expect(prCommit?.files.get('evals/banking77.yaml')).toContain(`model: ${model}`);
      expect(JSON.parse(prCommit?.files.get('evals/promotions.jsonl') ?? '{}')).toMatchObject({
        candidate: model,
        decision: 'promote',
        applied: { mode: 'pull-request', branch: pull?.head },
      });
      expect(pull?.body).toContain(`accuracy`);

      // The commit: the same three files, in one commit on the current branch.
      expect(commit).toMatch(new RegExp(`PROMOTE ${model}`));
      expect(await git(cwd, 'show', '--name-only', '--format=%an', 'HEAD')).toBe(
        'tunegate\n\nevals/banking77.yaml\nevals/models.yaml\nevals/promotions.jsonl',
      );
      expect(await readFile(join(cwd, 'evals', 'models.yaml'), 'utf8')).toContain(`model: ${model}`);
    } finally {
      await fake.close();
    }
  }, 300_000);
});
