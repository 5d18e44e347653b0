import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedFiles, checkoutAt, repoRoot } from '../../src/api/git.js';
import { TunegateError } from '../../src/errors.js';
import { createTempRepo } from './git-repo.js';

async function twoCommits() {
  const repo = await createTempRepo();
  await repo.write({ 'evals/suite.yaml': 'name: a\n', 'evals/prompt.md': 'v1\n', 'README.md': 'readme\n' });
  const base = await repo.commit('base');
  await repo.write({ 'evals/prompt.md': 'v2\n', 'evals/new.yaml': 'name: b\n' });
  await repo.remove('README.md');
  const head = await repo.commit('head');
  return { repo, base, head };
}

describe('repoRoot', () => {
  it('finds the top of the repository from a subdirectory', async () => {
    const { repo } = await twoCommits();
    expect(await repoRoot(path.join(repo.dir, 'evals'), process.env)).toBe(repo.dir);
  });

  it('says so when the directory is not in a repository', async () => {
    const error = await repoRoot(path.parse(process.cwd()).root, process.env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('git');
  });
});

describe('changedFiles', () => {
  it('lists added, modified and deleted files as absolute paths', async () => {
    const { repo, base, head } = await twoCommits();
    const changed = await changedFiles(path.join(repo.dir, 'evals'), base, head, process.env);
    expect(changed.sort()).toEqual(
      ['README.md', 'evals/new.yaml', 'evals/prompt.md'].map((name) => path.join(repo.dir, name)).sort(),
    );
  });

  it('compares with the merge base: changes made on base after the branch point are not the PR’s', async () => {
    const { repo, base, head } = await twoCommits();
    await repo.git('checkout', '--quiet', '-b', 'other', base);
    await repo.write({ 'evals/suite.yaml': 'name: changed on main\n' });
    const mainLater = await repo.commit('later on main');
    const changed = await changedFiles(repo.dir, mainLater, head, process.env);
    expect(changed).not.toContain(path.join(repo.dir, 'evals/suite.yaml'));
    expect(changed).toContain(path.join(repo.dir, 'evals/prompt.md'));
  });

  it('falls back to the plain diff when the commits share no history', async () => {
    const { repo, head } = await twoCommits();
    await repo.git('checkout', '--quiet', '--orphan', 'unrelated');
    await repo.git('rm', '-r', '--quiet', '--cached', '.');
    await repo.write({ 'evals/prompt.md': 'v1\n', 'evals/suite.yaml': 'name: a\n', 'evals/new.yaml': 'name: b\n' });
    await repo.git('add', 'evals');
    await repo.git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'orphan');
    const orphan = await repo.git('rev-parse', 'HEAD');
    await expect(repo.git('merge-base', orphan, head)).rejects.toThrow();
    // Neither side has the README; only the prompt differs.
    expect(await changedFiles(repo.dir, orphan, head, process.env)).toEqual([path.join(repo.dir, 'evals/prompt.md')]);
  });
});

describe('checkoutAt', () => {
  it('checks the base commit out in a temporary worktree and removes it on cleanup', async () => {
    const { repo, base } = await twoCommits();
    const checkout = await checkoutAt(path.join(repo.dir, 'evals'), base, process.env);
    expect(checkout.dir).not.toBe(repo.dir);
    expect(await readFile(path.join(checkout.dir, 'evals/prompt.md'), 'utf8')).toBe('v1\n');
    expect(existsSync(path.join(checkout.dir, 'evals/new.yaml'))).toBe(false);
    // The head checkout is untouched.
    expect(await readFile(path.join(repo.dir, 'evals/prompt.md'), 'utf8')).toBe('v2\n');
    expect(await repo.git('worktree', 'list')).toContain(checkout.dir);

    await checkout.cleanup();
    expect(existsSync(checkout.dir)).toBe(false);
    expect(await repo.git('worktree', 'list')).not.toContain(checkout.dir);
    expect(await repo.git('status', '--porcelain')).toBe('');
  });

  it('fails with advice when the commit is neither local nor fetchable', async () => {
    const { repo } = await twoCommits();
    const missing = 'f'.repeat(40);
    const error = await checkoutAt(repo.dir, missing, process.env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('git');
    expect((error as TunegateError).message).toMatch(/fetch-depth: 0/);
    expect(await repo.git('worktree', 'list')).not.toMatch(/tunegate-base-/);
  });

  it('fetches a commit missing from a shallow clone from origin', async () => {
    const { repo, base, head } = await twoCommits();
    const clone = await createTempRepo();
    await clone.git('remote', 'add', 'origin', repo.dir);
    await clone.git('fetch', '--quiet', '--no-tags', '--depth=1', 'origin', head);
    await clone.git('checkout', '--quiet', '--detach', head);
    await expect(clone.git('cat-file', '-e', `${base}^{commit}`)).rejects.toThrow();

    const checkout = await checkoutAt(clone.dir, base, process.env);
    try {
      expect(await readFile(path.join(checkout.dir, 'evals/prompt.md'), 'utf8')).toBe('v1\n');
    } finally {
      await checkout.cleanup();
    }
  });
});
