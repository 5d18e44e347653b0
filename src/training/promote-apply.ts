import path from 'node:path';
import { TunegateError } from '../errors.js';
import { type GitEnv, runGit } from '../git.js';
import { applyLocally, type FileChange, insideRepo } from './file-change.js';
import { unifiedDiff } from './line-diff.js';
import { openPromotionPullRequest } from './promote-pr.js';
import { readRegistryText, renderRegistryUpdate } from './registry.js';

export interface ApplyPromotionOptions {
  mode: 'dry-run' | 'commit' | 'pull-request';
  /** The registry file, absolute or relative to repoDir. */
  registryFile: string;
  key: string;
  model: string;
  /** The repository's root (the registry's repository path is taken relative to it). */
  repoDir: string;
  /** The environment git runs with. */
  env: GitEnv;
  /** Commit message; its first line titles the pull request. */
  message: string;
  /** Markdown evidence: the pull request's body. */
  evidence: string;
  github?: { apiUrl: string; token: string; owner: string; repo: string; base: string };
  fetch?: typeof fetch;
  /**
   * The files that go with the registry change (the promotions ledger, the run history, the suite):
   * those inside the repository join the same commit, on the working tree or on the pull request's
   * branch; those outside are written locally. Applied only when the registry changes.
   */
  companions?: (pending: Pick<PromotionResult, 'mode' | 'branch'>) => FileChange[];
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
  /** Repository paths the commit changed besides the registry. */
  companions?: string[];
}

const GIT_IDENTITY = ['-c', 'user.name=tunegate', '-c', 'user.email=tunegate@users.noreply.github.com'];

/**
 * Points the registry at the promoted model: `dry-run` computes the change and writes nothing,
 * `commit` writes the registry and its companions and commits exactly them, `pull-request` makes
 * the same change as one commit on a branch through GitHub's REST API and opens a pull request.
 */
export async function applyPromotion(options: ApplyPromotionOptions): Promise<PromotionResult> {
  const file = path.resolve(options.repoDir, options.registryFile);
  const repoRelative = insideRepo(options.repoDir, file);
  if (repoRelative === undefined) {
    throw new TunegateError('registry', `the registry ${file} lies outside the repository ${options.repoDir}`);
  }
  const split = (pending: Pick<PromotionResult, 'mode' | 'branch'>) => {
    const inRepo: FileChange[] = [];
    const outside: FileChange[] = [];
    for (const change of options.companions?.(pending) ?? []) {
      const at = insideRepo(options.repoDir, change.file);
      if (at === undefined) outside.push(change);
      else inRepo.push({ ...change, file: at });
    }
    return { inRepo, outside };
  };

  if (options.mode === 'pull-request') {
    if (!options.github) {
      throw new TunegateError(
        'promote',
        'a pull-request promotion needs the GitHub repository, base branch and a token (contents: write, pull-requests: write)',
      );
    }
    let outside: FileChange[] = [];
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
      companions: (branch) => {
        const parts = split({ mode: 'pull-request', branch });
        outside = parts.outside;
        return parts.inRepo;
      },
    });
    for (const change of outside) await applyLocally(options.repoDir, change);
    return { mode: options.mode, ...opened };
  }

  const text = await readRegistryText(file);
  const update = renderRegistryUpdate(file, text, options.key, options.model);
  const changed = update.text !== text;
  const diff = changed ? unifiedDiff(repoRelative, text, update.text) : '';
  const result: PromotionResult = { mode: options.mode, changed, diff, before: update.before };
  const git = (args: string[], failure: string) => runGit(options.repoDir, args, options.env, failure);
  if (options.mode === 'dry-run' || !changed) return result;

  // Checked before writing, so a failed promotion leaves the working tree as it was.
  await git(['rev-parse', '--is-inside-work-tree'], `${options.repoDir} is not inside a git repository`);
  const { inRepo, outside } = split({ mode: options.mode });
  const changes: FileChange[] = [{ file: repoRelative, update: () => update.text }, ...inRepo];
  for (const change of [...changes, ...outside]) await applyLocally(options.repoDir, change);
  const paths = [...new Set(changes.map((c) => c.file))];
  // -f: a local model lives under .tunegate/, which repositories usually ignore (the cache is there too).
  await git(['add', '-f', '--', ...paths], `cannot stage ${paths.join(', ')}`);
  // A pathspec commits only the registry and its records, whatever else is staged.
  await git(
    [...GIT_IDENTITY, 'commit', '--quiet', '-m', options.message, '--', ...paths],
    `wrote ${paths.join(', ')} but could not commit them`,
  );
  const commit = (await git(['rev-parse', 'HEAD'], 'cannot read the new commit')).trim();
  return { ...result, commit, companions: paths.slice(1) };
}
