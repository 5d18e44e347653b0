import { createHash } from 'node:crypto';
import { ExitCode, TunegateError } from '../errors.js';
import { type GitHubApi, githubRequest } from './backends/github-rest.js';
import { answerDetail, type HttpAnswer } from './backends/http.js';
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
  /** A line appended to a file on the branch with the registry change (the promotions ledger). */
  appendLine?: { filePath: string; line: string };
}

export interface PullRequestOutcome {
  changed: boolean;
  diff: string;
  before: string | undefined;
  branch?: string;
  commit?: string;
  pullRequestUrl?: string;
}

const CODE = 'promote';

/** `tunegate/promote-<key>-<8 hex of the model id>`: one branch per (key, model), so a re-run reuses it. */
export function promotionBranch(key: string, model: string): string {
  const slug = key.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `tunegate/promote-${slug}-${createHash('sha256').update(model).digest('hex').slice(0, 8)}`;
}

/**
 * The registry change as a pull request, through the REST API: read the base branch, create the
 * promotion branch from it, update the file there, open the pull request. Safe to re-run: an existing
 * branch, an already-updated file and an open pull request are reused, not duplicated.
 */
export async function openPromotionPullRequest(request: PullRequestPromotion): Promise<PullRequestOutcome> {
  const { api, owner, repo, base, filePath } = request;
  const repoApi = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const contentsPath = `${repoApi}/contents/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  const where = `${owner}/${repo}`;

  const baseRef = await call(
    api,
    'GET',
    `${repoApi}/git/ref/heads/${encodeURIComponent(base)}`,
    where,
    'read the base branch',
  );
  const baseSha = (baseRef.json as { object?: { sha?: string } }).object?.sha;
  if (!baseSha) throw unexpected(where, 'the base branch has no commit sha');

  const onBase = await readFile(api, contentsPath, base, where);
  const update = renderRegistryUpdate(filePath, onBase?.text, request.key, request.model);
  if (update.text === onBase?.text) return { changed: false, diff: '', before: update.before };
  const diff = unifiedDiff(filePath, onBase?.text, update.text);

  const branch = promotionBranch(request.key, request.model);
  const created = await githubRequest(api, 'POST', `${repoApi}/git/refs`, CODE, {
    ref: `refs/heads/${branch}`,
    sha: baseSha,
  });
  if (!created.ok && !(created.status === 422 && /already exists/i.test(answerDetail(created)))) {
    throw refusal(created, where, `create the branch ${branch}`);
  }

  const onBranch = await readFile(api, contentsPath, branch, where);
  let commit: string | undefined;
  if (onBranch?.text !== update.text) {
    const written = await call(api, 'PUT', contentsPath, where, `update ${filePath} on ${branch}`, {
      message: request.message,
      content: Buffer.from(update.text, 'utf8').toString('base64'),
      branch,
      ...(onBranch ? { sha: onBranch.sha } : {}),
    });
    commit = (written.json as { commit?: { sha?: string } }).commit?.sha;
    // The ledger line travels with the change it records (only with a new change: a re-run adds nothing).
    if (request.appendLine) await appendOnBranch(api, repoApi, branch, where, request.appendLine);
  }

  const pullRequestUrl = await openOrFindPullRequest(api, repoApi, where, {
    title: request.message.split('\n')[0] ?? request.message,
    head: branch,
    base,
    body: request.evidence,
  });
  return { changed: true, diff, before: update.before, branch, ...(commit ? { commit } : {}), pullRequestUrl };
}

async function appendOnBranch(
  api: GitHubApi,
  repoApi: string,
  branch: string,
  where: string,
  { filePath, line }: { filePath: string; line: string },
): Promise<void> {
  const contentsPath = `${repoApi}/contents/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  const current = await readFile(api, contentsPath, branch, where);
  const before = current?.text ?? '';
  const text = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n`;
  await call(api, 'PUT', contentsPath, where, `record the promotion in ${filePath} on ${branch}`, {
    message: `Record the promotion in ${filePath}`,
    content: Buffer.from(text, 'utf8').toString('base64'),
    branch,
    ...(current ? { sha: current.sha } : {}),
  });
}

async function readFile(
  api: GitHubApi,
  contentsPath: string,
  ref: string,
  where: string,
): Promise<{ text: string; sha: string } | undefined> {
  const answer = await githubRequest(api, 'GET', `${contentsPath}?ref=${encodeURIComponent(ref)}`, CODE);
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw refusal(answer, where, `read the registry on ${ref}`);
  const file = answer.json as { type?: string; sha?: string; content?: string; encoding?: string };
  if (file.type !== 'file' || !file.sha || file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw unexpected(where, `the registry path on ${ref} is not a file GitHub returns inline (larger than 1 MB?)`);
  }
  return { text: Buffer.from(file.content, 'base64').toString('utf8'), sha: file.sha };
}

async function openOrFindPullRequest(
  api: GitHubApi,
  repoApi: string,
  where: string,
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
  method: 'GET' | 'POST' | 'PUT',
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
