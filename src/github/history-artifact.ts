import { DefaultArtifactClient } from '@actions/artifact';
import { ExitCode, TunegateError } from '../errors.js';
import type { GitHubClient } from './comment.js';
import { githubMessageOf, httpStatusOf } from './http-status.js';

/**
 * The run history kept as a workflow artifact (`history: artifact`): each run downloads the newest
 * unexpired artifact of that name from an earlier run and uploads the updated file under the same name.
 * Artifacts expire (90 days by default), so this suits repositories that may not write a branch.
 */

export interface ArtifactRepository {
  owner: string;
  repo: string;
}

export interface FoundArtifact {
  id: number;
  runId: number;
  createdAt: string | null;
}

/** The newest unexpired artifact called `name` in the repository, or undefined when there is none. */
export async function findLatestArtifact(
  client: GitHubClient,
  repository: ArtifactRepository,
  name: string,
): Promise<FoundArtifact | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/actions/artifacts', {
      ...repository,
      name,
      per_page: 20,
    });
    const found = data.artifacts
      .filter((artifact) => artifact.name === name && !artifact.expired && artifact.workflow_run?.id)
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
    if (!found?.workflow_run?.id) return undefined;
    return { id: found.id, runId: found.workflow_run.id, createdAt: found.created_at };
  } catch (error) {
    const status = httpStatusOf(error);
    const hint = status === 403 || status === 404 ? '; add to the workflow:\n  permissions:\n    actions: read' : '';
    throw new TunegateError(
      'history-artifact',
      `could not list the artifacts called ${name}${hint}\n(GitHub answered ${status ?? 'no status'}: ${githubMessageOf(error)})`,
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
}

/** Whether the runner offers the artifact service (it does on GitHub-hosted and self-hosted runners). */
export function artifactServiceAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/** Downloads a found artifact of an earlier run into `dir`. */
export async function downloadArtifactOfRun(
  found: FoundArtifact,
  repository: ArtifactRepository,
  token: string,
  dir: string,
): Promise<void> {
  await new DefaultArtifactClient().downloadArtifact(found.id, {
    path: dir,
    findBy: {
      token,
      workflowRunId: found.runId,
      repositoryOwner: repository.owner,
      repositoryName: repository.repo,
    },
  });
}

/** Uploads files (in one folder) as this run's artifact called `name`. */
export async function uploadArtifactFiles(name: string, files: string[], dir: string): Promise<number | undefined> {
  const { id } = await new DefaultArtifactClient().uploadArtifact(name, files, dir);
  return id;
}
