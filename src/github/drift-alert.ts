import { ExitCode, TunegateError } from '../errors.js';
import type { DriftStatus } from '../history/types.js';
import { type GitHubClient, tokenIdentity, writtenBy } from './comment.js';
import { driftMarker } from './drift-alert-body.js';
import { githubMessageOf, httpStatusOf } from './http-status.js';

/**
 * One issue per suite that drifted, kept in step with the runs: opened by the first drifting run,
 * updated by later ones (neither an unchanged body nor a re-run of the run that wrote it is written again),
 * commented "recovered" and closed by the first run back within bounds. The issue is found again by its
 * hidden marker AND its author (an issue someone else wrote with the marker is never touched), among the
 * open issues labelled `tunegate`.
 */

export const ALERT_LABEL = {
  name: 'tunegate',
  color: 'd93f0b',
  description: 'Drift alerts from tunegate’s scheduled evaluations',
} as const;

export interface AlertRepository {
  owner: string;
  repo: string;
}

export interface AlertChange {
  suite: string;
  status: DriftStatus;
  title: string;
  /** The issue body, used when the suite drifted. */
  body: string;
  /**
   * The hidden line of this workflow run in the body: an alert that already carries it was written by an
   * earlier attempt of the same run, and a re-run leaves it as it is (its latencies differ, not its news).
   */
  runMarker?: string;
  /** The comment written before closing, used when the suite is back within bounds. */
  recovered: string;
}

export interface AlertOutcome {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  /** The alert issue, when there is one. */
  url?: string;
  number?: number;
  notes: string[];
}

interface IssueFound {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  user?: { login: string; type?: string } | null;
  pull_request?: unknown;
}

/** Opens, updates or closes the suite's alert issue for this run's drift status. */
export async function syncDriftAlert(
  client: GitHubClient,
  repository: AlertRepository,
  change: AlertChange,
): Promise<AlertOutcome> {
  // A suite's first run has nothing to alert about, nor an alert to close.
  if (change.status === 'no-history') return { action: 'none', notes: [] };
  try {
    const marker = driftMarker(change.suite);
    const identity = await tokenIdentity(client);
    const open = (await client.paginate('GET /repos/{owner}/{repo}/issues', {
      ...repository,
      state: 'open',
      labels: ALERT_LABEL.name,
      per_page: 100,
    })) as IssueFound[];
    const marked = open.filter((issue) => !issue.pull_request && issue.body?.includes(marker));
    // Listed newest first: the first of ours is the one to keep up to date.
    const existing = marked.find((issue) => writtenBy(identity, issue.user));
    const notes = marked
      .filter((issue) => !writtenBy(identity, issue.user))
      .map(
        (issue) =>
          `ignored issue #${issue.number} by ${issue.user?.login ?? 'a deleted user'}: it carries the marker but was not written with this token`,
      );
    if (!identity.known) notes.push(`could not read the token's identity; assumed ${identity.login}`);

    if (change.status === 'drift') {
      if (existing) {
        const sameRun = change.runMarker !== undefined && existing.body?.includes(change.runMarker);
        if (sameRun || (existing.body === change.body && existing.title === change.title)) {
          return { action: 'unchanged', url: existing.html_url, number: existing.number, notes };
        }
        const { data } = await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          ...repository,
          issue_number: existing.number,
          title: change.title,
          body: change.body,
        });
        return { action: 'updated', url: data.html_url, number: data.number, notes };
      }
      await ensureLabel(client, repository);
      const { data } = await client.request('POST /repos/{owner}/{repo}/issues', {
        ...repository,
        title: change.title,
        body: change.body,
        labels: [ALERT_LABEL.name],
      });
      return { action: 'opened', url: data.html_url, number: data.number, notes };
    }

    const withinBounds = change.status === 'none' || change.status === 'recovered';
    if (!existing || !withinBounds) return { action: 'none', notes };
    await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repository,
      issue_number: existing.number,
      body: change.recovered,
    });
    await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...repository,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { action: 'closed', url: existing.html_url, number: existing.number, notes };
  } catch (error) {
    throw explainAlertError(error, repository, change.suite);
  }
}

/** Creates the label with its colour and description when the repository does not have it yet. */
async function ensureLabel(client: GitHubClient, repository: AlertRepository): Promise<void> {
  try {
    await client.request('GET /repos/{owner}/{repo}/labels/{name}', { ...repository, name: ALERT_LABEL.name });
    return;
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
  }
  try {
    await client.request('POST /repos/{owner}/{repo}/labels', { ...repository, ...ALERT_LABEL });
  } catch (error) {
    // Another run created it in between.
    if (httpStatusOf(error) !== 422) throw error;
  }
}

export const ISSUES_PERMISSION_HINT = 'add to the workflow:\n  permissions:\n    issues: write';

function explainAlertError(error: unknown, repository: AlertRepository, suite: string): TunegateError {
  const where = `${repository.owner}/${repository.repo}`;
  const status = httpStatusOf(error);
  if (status === 403 || status === 404) {
    return new TunegateError(
      'alert-permission',
      `the token cannot write the drift alert issue of suite ${suite}; ${ISSUES_PERMISSION_HINT}\n(GitHub answered ${status} for ${where}: ${githubMessageOf(error)})`,
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  const statusText = status === undefined ? '' : ` (HTTP ${status})`;
  return new TunegateError(
    'alert-failed',
    `could not write the drift alert issue of suite ${suite} on ${where}${statusText}: ${githubMessageOf(error)}`,
    { exitCode: ExitCode.runtime, cause: error },
  );
}
