import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type GitEnv, runGit } from '../git.js';

/** Reads a pull request's history through the `git` executable (src/git.ts). */

const FETCH_ADVICE = 'check out the repository with its history (actions/checkout with fetch-depth: 0)';

/**
 * The top of the repository holding `dir`, spelled from `dir` (not resolved through symlinks), so
 * paths built from it compare equal to paths built from the working directory.
 */
export async function repoRoot(dir: string, env: GitEnv): Promise<string> {
  const failure = `${dir} is not inside a git repository; run from a checkout of the repository`;
  const up = (await runGit(dir, ['rev-parse', '--show-cdup'], env, failure)).trim();
  return path.resolve(dir, up);
}

/** The commit checked out in `dir`, or null outside a git repository (a history line then has no commit). */
export async function headCommit(dir: string, env: GitEnv): Promise<string | null> {
  try {
    return (await runGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'], env, 'no commit')).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Absolute paths of the files a pull request changes: the diff from the merge base of base and
 * head to head (what GitHub shows), or the plain diff when the two share no history locally.
 */
export async function changedFiles(repoDir: string, baseSha: string, headSha: string, env: GitEnv): Promise<string[]> {
  const root = await repoRoot(repoDir, env);
  const failure = `cannot list the files changed between ${baseSha} and ${headSha}; ${FETCH_ADVICE}`;
  const diff = ['diff', '--name-only', '--no-renames', '-z'];
  const listing = await runGit(root, [...diff, `${baseSha}...${headSha}`, '--'], env, failure).catch(() =>
    runGit(root, [...diff, baseSha, headSha, '--'], env, failure),
  );
  return listing
    .split('\0')
    .filter((name) => name !== '')
    .map((name) => path.join(root, name));
}

async function hasCommit(root: string, sha: string, env: GitEnv): Promise<boolean> {
  try {
    await runGit(root, ['cat-file', '-e', `${sha}^{commit}`], env, `no commit ${sha}`);
    return true;
  } catch {
    return false;
  }
}

export interface Checkout {
  /** The repository's top directory as it was at the commit. */
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * Checks out `sha` in a temporary detached worktree, leaving the current checkout untouched. A
 * commit missing from a shallow clone is fetched from origin first.
 */
export async function checkoutAt(repoDir: string, sha: string, env: GitEnv): Promise<Checkout> {
  const root = await repoRoot(repoDir, env);
  const git = (args: string[], failure: string) => runGit(root, args, env, failure);
  if (!(await hasCommit(root, sha, env))) {
    await git(
      ['fetch', '--no-tags', '--depth=1', 'origin', sha],
      `commit ${sha} is not in the local repository and could not be fetched; ${FETCH_ADVICE}`,
    );
  }
  const parent = await mkdtemp(path.join(tmpdir(), 'tunegate-base-'));
  const dir = path.join(parent, 'tree');
  try {
    await git(['worktree', 'add', '--detach', dir, sha], `cannot check out commit ${sha}; ${FETCH_ADVICE}`);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    async cleanup() {
      try {
        await git(['worktree', 'remove', '--force', dir], `cannot remove the worktree ${dir}`);
      } finally {
        await rm(parent, { recursive: true, force: true });
        // Forget the worktree even when removing it failed half-way.
        await git(['worktree', 'prune'], 'cannot prune worktrees').catch(() => undefined);
      }
    },
  };
}
