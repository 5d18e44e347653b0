import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExitCode, TunegateError } from '../errors.js';
import { unifiedDiff } from './line-diff.js';
import { openPromotionPullRequest } from './promote-pr.js';
import { readRegistryText, renderRegistryUpdate, writeRegistryText } from './registry.js';

export interface ApplyPromotionOptions {
  mode: 'dry-run' | 'commit' | 'pull-request';
  /** The registry file, absolute or relative to repoDir. */
  registryFile: string;
  key: string;
  model: string;
  /** The repository's root (the registry's repository path is taken relative to it). */
  repoDir: string;
  /** Commit message; its first line titles the pull request. */
  message: string;
  /** Markdown evidence: the pull request's body. */
  evidence: string;
  github?: { apiUrl: string; token: string; owner: string; repo: string; base: string };
  fetch?: typeof fetch;
  /**
   * (commit) Writes the files that record this promotion (the promotions ledger, the run history) once
   * the registry is written, and returns their paths: those inside the repository join the same commit.
   */
  companions?: (pending: PromotionResult) => Promise<string[]>;
  /** (pull-request) The promotions ledger and its new line, added on the pull request's branch. */
  ledgerLine?: { file: string; line: string };
}

export interface PromotionResult {
  mode: ApplyPromotionOptions['mode'];
  changed: boolean;
  /** Unified diff of the registry file; empty when nothing changes. */
  diff: string;
  /** The model the registry held before (undefined: the key or the file did not exist). */
  before: string | undefined;
  commit?: string;
  branch?: string;
  pullRequestUrl?: string;
}

const GIT_IDENTITY = ['-c', 'user.name=tunegate', '-c', 'user.email=tunegate@users.noreply.github.com'];
const exec = promisify(execFile);

/**
 * Points the registry at the promoted model: `dry-run` computes the change and writes nothing,
 * `commit` writes the file and commits only it, `pull-request` puts the change on a branch through
 * GitHub's REST API and opens a pull request with the evidence.
 */
export async function applyPromotion(options: ApplyPromotionOptions): Promise<PromotionResult> {
  const file = path.resolve(options.repoDir, options.registryFile);
  const repoRelative = insideRepo(options.repoDir, file);
  if (repoRelative === undefined) {
    throw new TunegateError('registry', `the registry ${file} lies outside the repository ${options.repoDir}`);
  }

  if (options.mode === 'pull-request') {
    const ledgerPath = options.ledgerLine ? insideRepo(options.repoDir, options.ledgerLine.file) : undefined;
    if (!options.github) {
      throw new TunegateError(
        'promote',
        'a pull-request promotion needs the GitHub repository, base branch and a token (contents: write, pull-requests: write)',
      );
    }
    const opened = await openPromotionPullRequest({
      api: {
        apiUrl: options.github.apiUrl,
        token: options.github.token,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
      owner: options.github.owner,
      repo: options.github.repo,
      base: options.github.base,
      filePath: repoRelative,
      key: options.key,
      model: options.model,
      message: options.message,
      evidence: options.evidence,
      ...(ledgerPath && options.ledgerLine
        ? { appendLine: { filePath: ledgerPath, line: options.ledgerLine.line } }
        : {}),
    });
    return { mode: options.mode, ...opened };
  }

  const text = await readRegistryText(file);
  const update = renderRegistryUpdate(file, text, options.key, options.model);
  const changed = update.text !== text;
  const diff = changed ? unifiedDiff(repoRelative, text, update.text) : '';
  const result: PromotionResult = { mode: options.mode, changed, diff, before: update.before };
  if (options.mode === 'dry-run' || !changed) return result;

  // Checked before writing, so a failed promotion leaves the working tree as it was.
  await git(
    options.repoDir,
    ['rev-parse', '--is-inside-work-tree'],
    `${options.repoDir} is not inside a git repository`,
  );
  await writeRegistryText(file, update.text);
  const written = (await options.companions?.(result)) ?? [];
  const paths = [repoRelative, ...written.map((p) => insideRepo(options.repoDir, p)).filter((p) => p !== undefined)];
  await git(options.repoDir, ['add', '--', ...paths], `cannot stage ${paths.join(', ')}`);
  // A pathspec commits only the registry and its records, whatever else is staged.
  await git(
    options.repoDir,
    [...GIT_IDENTITY, 'commit', '--quiet', '-m', options.message, '--', ...paths],
    `wrote ${paths.join(', ')} but could not commit them`,
  );
  const commit = (await git(options.repoDir, ['rev-parse', 'HEAD'], 'cannot read the new commit')).trim();
  return { ...result, commit };
}

/** The path relative to the repository's root with forward slashes, or undefined when it lies outside. */
function insideRepo(repoDir: string, file: string): string | undefined {
  const relative = path.relative(path.resolve(repoDir), path.resolve(repoDir, file)).split(path.sep).join('/');
  return relative.startsWith('../') || relative === '..' || path.isAbsolute(relative) ? undefined : relative;
}

async function git(cwd: string, args: string[], failure: string): Promise<string> {
  try {
    const { stdout } = await exec('git', args, { cwd });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? `: ${stderr.trim()}` : '';
    throw new TunegateError('git', `${failure}${detail}`, { exitCode: ExitCode.runtime, cause: error });
  }
}
