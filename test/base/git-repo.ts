import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway git repository for tests: write files, commit them, get the sha back. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(files: Record<string, string>): Promise<void>;
  remove(...names: string[]): Promise<void>;
  /** Commits everything in the working tree; returns the new commit's sha. */
  commit(message: string): Promise<string>;
}

export async function createTempRepo(): Promise<TempRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-repo-'));
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  return {
    dir,
    git,
    async write(files) {
      for (const [name, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), text);
      }
    },
    async remove(...names) {
      for (const name of names) await rm(path.join(dir, name));
    },
    async commit(message) {
      await git('add', '--all');
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
