import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ExitCode, TunegateError } from './errors.js';

/** The one way tunegate runs `git`: argument arrays, never a shell; the caller's environment, passed in. */

const exec = promisify(execFile);

export type GitEnv = Record<string, string | undefined>;

/**
 * Runs `git args` in `cwd` and returns its standard output; a failure is a `git` error reading
 * `failure: <git's stderr>`.
 */
export async function runGit(cwd: string, args: readonly string[], env: GitEnv, failure: string): Promise<string> {
  try {
    const { stdout } = await exec('git', [...args], {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      // A fetch must fail rather than wait for a password nobody will type.
      env: { ...env, GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: unknown })?.stderr;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? `: ${stderr.trim()}` : '';
    throw new TunegateError('git', `${failure}${detail}`, { exitCode: ExitCode.runtime, cause: error });
  }
}
