import { createHash } from 'node:crypto';
import { ExitCode, TunegateError } from '../errors.js';
import { type GitHubApi, githubRequest } from './backends/github-rest.js';
import { answerDetail, type HttpAnswer } from './backends/http.js';
import type { FileChange } from './file-change.js';
import { unifiedDiff } from './line-diff.js';
import { renderRegistryUpdate } from './registry.js';

export interface PullRequestPromotion {
  api: GitHubApi;
  owner: string;
  repo: string;
  base: string;
  /** The registry's path inside the repository, with forward slashes. */
  filePath: string;
  key: string;
  model: string;
  message: string;
  evidence: string;
  /** Files changed in the same commit as the registry (paths inside the repository), given the branch. */
  companions?: (branch: string) => FileChange[];
}

export interface PullRequestOutcome {
  changed: boolean;
  diff: string;
  before: string | undefined;
  branch?: string;
  commit?: string;
  pullRequestUrl?: string;
  /** Repository paths the commit changed besides the registry. */
  companions?: string[];
}

const CODE = 'promote';

/** `tunegate/promote-<key>-<8 hex of the model id>`: one branch per (key, model), so a re-run reuses it. */
export function promotionBranch(key: string, model: string): string {
  const slug = key.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `tunegate/promote-${slug}-${createHash('sha256').update(model).digest('hex').slice(0, 8)}`;
}

/**
 * The registry change as a pull request, through the REST API: one commit on top of the base branch
 * holds the registry and its companions (Git Data API: a tree, a commit, the branch pointed at it),
 * then the pull request is opened. Safe to re-run: a branch that already carries the change and an
 * open pull request are reused, so nothing is committed or recorded twice.
 */
export async function openPromotionPullRequest(request: PullRequestPromotion): Promise<PullRequestOutcome> {
  const { api, owner, repo, base, filePath } = request;
  const repoApi = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const where = `${owner}/${repo}`;
  const github = { api, repoApi, where };

  const baseSha = await branchHead(github, base);
  if (!baseSha) throw refusal404(where, `the base branch ${base}`);
  const onBase = await readFile(github, filePath, base);
  const update = renderRegistryUpdate(filePath, onBase?.text, request.key, request.model);
  if (update.text === onBase?.text) return { changed: false, diff: '', before: update.before };
  const diff = unifiedDiff(filePath, onBase?.text, update.text);

  const branch = promotionBranch(request.key, request.model);
  const branchSha = await branchHead(github, branch);
  const onBranch = branchSha ? await readFile(github, filePath, branch) : undefined;
  let commit: string | undefined;
  let companions: string[] | undefined;
  if (onBranch?.text !== update.text) {
    const changes: FileChange[] = [
      { file: filePath, update: () => update.text },
      ...(request.companions?.(branch) ?? []),
    ];
    const entries = [];
    for (const change of changes) {
      const current = change.file === filePath ? onBase : await readFile(github, change.file, base);
      entries.push({ path: change.file, mode: '100644', type: 'blob', content: change.update(current?.text) });
    }
    commit = await commitOnTop(github, baseSha, entries, request.message);
    await pointBranch(github, branch, commit, branchSha !== undefined);
    companions = entries.slice(1).map((entry) => entry.path);
  }

  const pullRequestUrl = await openOrFindPullRequest(github, {
    title: request.message.split('\n')[0] ?? request.message,
    head: branch,
    base,
    body: request.evidence,
  });
  return {
    changed: true,
    diff,
    before: update.before,
    branch,
    ...(commit ? { commit } : {}),
    ...(companions ? { companions } : {}),
    pullRequestUrl,
  };
}

interface RepoApi {
  api: GitHubApi;
  repoApi: string;
  where: string;
}

/** The commit a branch points at, or undefined when there is no such branch. */
async function branchHead(github: RepoApi, branch: string): Promise<string | undefined> {
  const path = `${github.repoApi}/git/ref/heads/${encodeURIComponent(branch)}`;
  const answer = await githubRequest(github.api, 'GET', path, CODE);
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw refusal(answer, github.where, `read the branch ${branch}`);
  const sha = (answer.json as { object?: { sha?: string } }).object?.sha;
  if (!sha) throw unexpected(github.where, `the branch ${branch} has no commit sha`);
  return sha;
}

/** A new commit whose parent is `parent` and whose tree is the parent's with `entries` written. */
async function commitOnTop(
  github: RepoApi,
  parent: string,
  entries: { path: string; mode: string; type: string; content: string }[],
  message: string,
): Promise<string> {
  const { api, repoApi, where } = github;
  const parentCommit = await call(api, 'GET', `${repoApi}/git/commits/${parent}`, where, 'read the base commit');
  const baseTree = (parentCommit.json as { tree?: { sha?: string } }).tree?.sha;
  if (!baseTree) throw unexpected(where, 'the base commit has no tree');
  const tree = await call(api, 'POST', `${repoApi}/git/trees`, where, 'write the changed files', {
    base_tree: baseTree,
    tree: entries,
  });
  const treeSha = (tree.json as { sha?: string }).sha;
  if (!treeSha) throw unexpected(where, 'the new tree has no sha');
  const made = await call(api, 'POST', `${repoApi}/git/commits`, where, 'commit the promotion', {
    message,
    tree: treeSha,
    parents: [parent],
  });
  const sha = (made.json as { sha?: string }).sha;
  if (!sha) throw unexpected(where, 'the new commit has no sha');
  return sha;
}

/**
 * Points the promotion branch at the commit: creates it, or moves it when it exists. The branch is
 * tunegate's own (named after the key and the model), so an outdated one is replaced by the fresh commit.
 */
async function pointBranch(github: RepoApi, branch: string, sha: string, exists: boolean): Promise<void> {
  const { api, repoApi, where } = github;
  if (!exists) {
    const created = await githubRequest(api, 'POST', `${repoApi}/git/refs`, CODE, { ref: `refs/heads/${branch}`, sha });
    if (created.ok) return;
    if (!(created.status === 422 && /already exists/i.test(answerDetail(created)))) {
      throw refusal(created, where, `create the branch ${branch}`);
    }
  }
  const refPath = `${repoApi}/git/refs/heads/${encodeURIComponent(branch)}`;
  await call(api, 'PATCH', refPath, where, `move the branch ${branch}`, { sha, force: true });
}

async function readFile(
  github: RepoApi,
  filePath: string,
  ref: string,
): Promise<{ text: string; sha: string } | undefined> {
  const contentsPath = `${github.repoApi}/contents/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  const answer = await githubRequest(github.api, 'GET', `${contentsPath}?ref=${encodeURIComponent(ref)}`, CODE);
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw refusal(answer, github.where, `read ${filePath} on ${ref}`);
  const file = answer.json as { type?: string; sha?: string; content?: string; encoding?: string };
  if (file.type !== 'file' || !file.sha || file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw unexpected(github.where, `${filePath} on ${ref} is not a file GitHub returns inline (larger than 1 MB?)`);
  }
  return { text: Buffer.from(file.content, 'base64').toString('utf8'), sha: file.sha };
}

async function openOrFindPullRequest(
  { api, repoApi, where }: RepoApi,
  pull: { title: string; head: string; base: string; body: string },
): Promise<string> {
  const opened = await githubRequest(api, 'POST', `${repoApi}/pulls`, CODE, pull);
  if (opened.ok) return pullUrl(opened, where);
  if (opened.status !== 422 || !/already exists/i.test(JSON.stringify(opened.json ?? opened.text))) {
    throw refusal(opened, where, 'open the pull request');
  }
  const owner = repoApi.split('/')[2] ?? '';
  const query = `head=${owner}:${encodeURIComponent(pull.head)}&base=${encodeURIComponent(pull.base)}&state=open`;
  const listed = await call(api, 'GET', `${repoApi}/pulls?${query}`, where, 'find the open pull request');
  const [existing] = Array.isArray(listed.json) ? (listed.json as { html_url?: string }[]) : [];
  if (!existing?.html_url)
    throw unexpected(where, `GitHub says a pull request from ${pull.head} exists but lists none`);
  return existing.html_url;
}

function pullUrl(answer: HttpAnswer, where: string): string {
  const url = (answer.json as { html_url?: string }).html_url;
  if (!url) throw unexpected(where, 'the new pull request has no html_url');
  return url;
}

async function call(
  api: GitHubApi,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  where: string,
  step: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const answer = await githubRequest(api, method, path, CODE, body);
  if (!answer.ok) throw refusal(answer, where, step);
  return answer;
}

function refusal(answer: HttpAnswer, where: string, step: string): TunegateError {
  const advice: Record<number, string> = {
    401: 'the GitHub token was rejected; pass a valid one',
    403:
      'give the token contents: write and pull-requests: write (and, for GITHUB_TOKEN, allow GitHub Actions ' +
      'to create pull requests in the repository settings)',
    404: `check that ${where} and the branch exist and that the token can see them`,
  };
  const fix = advice[answer.status];
  return new TunegateError(
    CODE,
    `could not ${step} in ${where} (${answer.status}: ${answerDetail(answer)})${fix ? `; ${fix}` : ''}`,
    { exitCode: fix ? ExitCode.usage : ExitCode.runtime },
  );
}

function unexpected(where: string, what: string): TunegateError {
  return new TunegateError(CODE, `unexpected answer from GitHub for ${where}: ${what}`, { exitCode: ExitCode.runtime });
}

function refusal404(where: string, what: string): TunegateError {
  return new TunegateError(
    CODE,
    `could not find ${what} in ${where}; check that the repository and the branch exist and that the token can see them`,
    {
      exitCode: ExitCode.usage,
    },
  );
}
