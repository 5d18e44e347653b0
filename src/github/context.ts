import * as github from '@actions/github';

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  baseRef: string;
  headSha: string;
  /** Opened from a fork: the run gets no secrets and a read-only token. */
  fromFork: boolean;
}

export interface RunContext {
  eventName: string;
  workflow: string;
  owner: string;
  repo: string;
  runId: number;
  serverUrl: string;
  /** The commit the workflow runs on (GITHUB_SHA); '' outside a runner. */
  sha: string;
  /** The ref the workflow runs on (GITHUB_REF, e.g. refs/heads/main); '' outside a runner. */
  ref: string;
  /** The repository's default branch, from the event payload (absent on events that do not carry it). */
  defaultBranch: string | undefined;
  /** The workflow run's page; null outside a runner. */
  runUrl: string | null;
  pullRequest: PullRequestInfo | undefined;
}

interface PullRequestPayload {
  number: number;
  base: { sha: string; ref: string; repo?: { full_name?: string } };
  head: { sha: string; repo?: { full_name?: string } | null };
}

/** What the workflow run is about, read from the runner's environment and event payload. */
export function readRunContext(): RunContext {
  const { context } = github;
  const pr = context.payload.pull_request as PullRequestPayload | undefined;
  // Read directly: context.repo throws outside a runner, and a local run needs no repository.
  const [owner = '', repo = ''] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    eventName: context.eventName,
    workflow: context.workflow || 'tunegate',
    owner,
    repo,
    runId: context.runId,
    serverUrl: context.serverUrl,
    sha: context.sha ?? '',
    ref: context.ref ?? '',
    defaultBranch: (context.payload.repository as { default_branch?: string } | undefined)?.default_branch,
    runUrl:
      owner && repo && context.runId ? `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}` : null,
    pullRequest: pr
      ? {
          number: pr.number,
          baseSha: pr.base.sha,
          baseRef: pr.base.ref,
          headSha: pr.head.sha,
          fromFork: (pr.head.repo?.full_name ?? '') !== (pr.base.repo?.full_name ?? ''),
        }
      : undefined,
  };
}

/** Events that run with the repository's secrets and a write token on code or data others can shape. */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run']);

/**
 * Whether suites may read files outside the workspace: `suite` lets each suite decide
 * (`allow_outside_paths`), `never` refuses them whatever the suite says — on `pull_request_target` and
 * `workflow_run`, where a suite changed by a pull request could otherwise read the runner's files and send
 * them to a model or into the comment.
 */
export function outsidePathPolicy(eventName: string): 'suite' | 'never' {
  return PRIVILEGED_EVENTS.has(eventName) ? 'never' : 'suite';
}

/** Pull-request runs measure the pull request's changes, not the models over time: they keep no history. */
export function keepsHistory(eventName: string): boolean {
  return !eventName.startsWith('pull_request');
}
