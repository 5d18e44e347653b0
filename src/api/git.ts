import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExitCode, TunegateError } from '../errors.js';

/** Reads a pull request's history through the `git` executable (argument arrays, never a shell). */

const run = promisify(execFile);

const FETCH_ADVICE = 'check out the repository with its history (actions/checkout with fetch-depth: 0)';

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    // A fetch must fail rather than wait for a password nobody will type.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  return stdout;
}

function gitError(message: string, cause: unknown): TunegateError {
  const stderr = (cause as { stderr?: unknown })?.stderr;
  const detail = typeof stderr === 'string' && stderr.trim() !== '' ? `\n${stderr.trim()}` : '';
  return new TunegateError('git', `${message}${detail}`, { exitCode: ExitCode.runtime, cause });
}

/**
 * The top of the repository holding `dir`, spelled from `dir` (not resolved through symlinks), so
 * paths built from it compare equal to paths built from the working directory.
 */
export async function repoRoot(dir: string): Promise<string> {
  try {
    const up = (await git(dir, ['rev-parse', '--show-cdup'])).trim();
    return path.resolve(dir, up);
  } catch (error) {
    throw gitError(`${dir} is not inside a git repository; run from a checkout of the repository`, error);
  }
}

/** The commit checked out in `dir`, or null outside a git repository (a history line then has no commit). */
export async function headCommit(dir: string): Promise<string | null> {
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Absolute paths of the files a pull request changes: the diff from the merge base of base and
 * head to head (what GitHub shows), or the plain diff when the two share no history locally.
 */
export async function changedFiles(repoDir: string, baseSha: string, headSha: string): Promise<string[]> {
  const root = await repoRoot(repoDir);
  let listing: string;
  try {
    listing = await git(root, ['diff', '--name-only', '--no-renames', '-z', `${baseSha}...${headSha}`, '--']);
  } catch {
    try {
      listing = await git(root, ['diff', '--name-only', '--no-renames', '-z', baseSha, headSha, '--']);
    } catch (error) {
      throw gitError(`cannot list the files changed between ${baseSha} and ${headSha}; ${FETCH_ADVICE}`, error);
    }
  }
  return listing
    .split('\0')
    .filter((name) => name !== '')
    .map((name) => path.join(root, name));
}

async function hasCommit(root: string, sha: string): Promise<boolean> {
  try {
    await git(root, ['cat-file', '-e', `${sha}^{commit}`]);
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
export async function checkoutAt(repoDir: string, sha: string): Promise<Checkout> {
  const root = await repoRoot(repoDir);
  if (!(await hasCommit(root, sha))) {
    try {
      await git(root, ['fetch', '--no-tags', '--depth=1', 'origin', sha]);
    } catch (error) {
      throw gitError(`commit ${sha} is not in the local repository and could not be fetched; ${FETCH_ADVICE}`, error);
    }
  }
  const parent = await mkdtemp(path.join(tmpdir(), 'tunegate-base-'));
  const dir = path.join(parent, 'tree');
  try {
    await git(root, ['worktree', 'add', '--detach', dir, sha]);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw gitError(`cannot check out commit ${sha}; ${FETCH_ADVICE}`, error);
  }
  return {
    dir,
    async cleanup() {
      try {
        await git(root, ['worktree', 'remove', '--force', dir]);
      } finally {
        await rm(parent, { recursive: true, force: true });
        // Forget the worktree even when removing it failed half-way.
        await git(root, ['worktree', 'prune']).catch(() => undefined);
      }
    },
  };
}
