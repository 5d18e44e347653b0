import type { getOctokit } from '@actions/github';
import { ExitCode, TunegateError } from '../errors.js';
import { httpStatusOf } from './http-status.js';

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
  /** What the reader of the log should know: comments ignored as someone else's, an edit GitHub refused. */
  notes: string[];
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

/** The login GitHub shows (REST) on comments written with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** Who the token writes as: read from the token when possible, else assumed to be the workflow's bot. */
export interface TokenIdentity {
  login: string;
  /** False when the token's identity could not be read and the Actions bot is assumed. */
  known: boolean;
}

/**
 * The token's identity from GraphQL's `viewer`, the one query every kind of token may make (`GET /user`
 * refuses a GITHUB_TOKEN and app tokens). When it cannot be read, the workflow's bot is assumed, the
 * author of every comment a GITHUB_TOKEN writes.
 */
export async function tokenIdentity(octokit: GitHubClient): Promise<TokenIdentity> {
  try {
    const data = await octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }');
    const login = data?.viewer?.login;
    if (typeof login === 'string' && login !== '') return { login, known: true };
  } catch {
    // A GitHub Enterprise without GraphQL, or a token GraphQL refuses: fall back below.
  }
  return { login: ACTIONS_BOT_LOGIN, known: false };
}

interface CommentAuthor {
  login: string;
  type?: string;
}

/**
 * Whether a comment was written with this token. REST names a bot `name[bot]` while GraphQL's viewer may
 * name it without the suffix, so a bot matches in both forms; a person (a personal access token) matches
 * by login alone.
 */
export function writtenBy(identity: TokenIdentity, author: CommentAuthor | null | undefined): boolean {
  if (!author) return false;
  if (author.login === identity.login) return true;
  return author.type === 'Bot' && author.login === `${identity.login}[bot]`;
}

/**
 * Updates this token's comment carrying `marker` on the issue or pull request, or creates one when there is
 * none, so every run edits one comment instead of adding another. Only comments written with the same token
 * identity count: anyone can post the marker, and a comment by someone else is never edited (the report
 * would appear under their name, and they could change it). When several match (a race between two runs),
 * the most recent is updated. If GitHub refuses the edit (403) while it accepts a new comment, the matched
 * comment was not the token's to edit: a new one is created. If it refuses both, the token lacks the
 * permission to comment.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: IssueTarget,
  marker: string,
  body: string,
): Promise<UpsertResult> {
  try {
    const identity = await tokenIdentity(octokit);
    const comments = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...target,
      per_page: 100,
    });
    const marked = comments.filter((comment) => comment.body?.includes(marker));
    // The endpoint lists comments by ascending id, so the last match is the most recent one.
    const existing = marked.findLast((comment) => writtenBy(identity, comment.user));
    const notes = marked
      .filter((comment) => !writtenBy(identity, comment.user))
      .map(
        (comment) =>
          `ignored comment ${comment.id} by ${comment.user?.login ?? 'a deleted user'}: it carries the marker but was not written with this token`,
      );
    if (!identity.known) notes.push(`could not read the token's identity; assumed ${identity.login}`);
    if (existing) {
      try {
        const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner: target.owner,
          repo: target.repo,
          comment_id: existing.id,
          body,
        });
        return { action: 'updated', id: Number(data.id), url: data.html_url, notes };
      } catch (error) {
        if (httpStatusOf(error) !== 403) throw error;
        notes.push(`GitHub refused to edit comment ${existing.id} (403); writing a new comment instead`);
      }
    }
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...target,
      body,
    });
    return { action: 'created', id: Number(data.id), url: data.html_url, notes };
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
