import type { getOctokit } from '@actions/github';
import { ExitCode, TunegateError } from '../errors.js';

export { type FitOptions, fitCommentBody, GITHUB_COMMENT_LIMIT } from './comment-fit.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface IssueTarget {
  owner: string;
  repo: string;
  /** A pull request is an issue: its number works with the issue comment endpoints. */
  issue_number: number;
}

export interface UpsertResult {
  action: 'created' | 'updated';
  /** Octokit types comment ids as `number | bigint`; real ids are far below 2^53. */
  id: number;
  url: string;
}

/**
 * The hidden HTML comment that finds tunegate's own comment again: one per workflow and key, so two
 * workflows (or two suites gated separately) keep separate comments. Both parts are reduced to letters,
 * digits and `._/-`, so neither can end the HTML comment (`-->`) or blur the `:` between them.
 */
export function commentMarker(workflow: string, key: string): string {
  return `<!-- tunegate:${markerPart(workflow)}:${markerPart(key)} -->`;
}

function markerPart(text: string): string {
  const cleaned = text
    .replace(/[^\p{L}\p{N}._/-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return cleaned === '' ? '_' : cleaned;
}

/**
 * Updates the comment carrying `marker` on the issue or pull request, or creates it when there is none,
 * so every run edits one comment instead of adding another. When several carry the marker (a race between
 * two runs), the most recent is updated.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: IssueTarget,
  marker: string,
  body: string,
): Promise<UpsertResult> {
  try {
    const comments = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...target,
      per_page: 100,
    });
    // The endpoint lists comments by ascending id, so the last match is the most recent one.
    const existing = comments.findLast((comment) => comment.body?.includes(marker));
    if (existing) {
      const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body,
      });
      return { action: 'updated', id: Number(data.id), url: data.html_url };
    }
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...target,
      body,
    });
    return { action: 'created', id: Number(data.id), url: data.html_url };
  } catch (error) {
    throw explainCommentError(error, target);
  }
}

const PERMISSIONS_HINT =
  'add to the workflow:\n  permissions:\n    pull-requests: write\n' +
  '(pull requests from forks get a read-only token whatever the workflow asks for; ' +
  'there, read the job summary or comment from a separate workflow_run workflow)';

function explainCommentError(error: unknown, target: IssueTarget): TunegateError {
  const where = `${target.owner}/${target.repo}#${target.issue_number}`;
  const status = httpStatusOf(error);
  if (status === 403) {
    return new TunegateError(
      'comment-permission',
      `the token cannot comment on this pull request; ${PERMISSIONS_HINT}\n(GitHub answered 403 for ${where})`,
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  if (status === 404) {
    // GitHub answers 404 instead of 403 on a private repository the token may not read.
    return new TunegateError(
      'comment-permission',
      `the token cannot comment on this pull request; ${PERMISSIONS_HINT}\n` +
        `(GitHub answered 404 for ${where}: the token cannot see it, or the pull request number is wrong)`,
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  const statusText = status === undefined ? '' : ` (HTTP ${status})`;
  return new TunegateError(
    'comment-failed',
    `could not write the pull request comment on ${where}${statusText}: ${reason}`,
    {
      exitCode: ExitCode.runtime,
      cause: error,
    },
  );
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}
