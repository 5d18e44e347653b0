import { ExitCode, TunegateError } from '../../errors.js';
import type { FineTuneBackend, JobStatus, TrainingJob, TrainingJobSpec } from '../../providers/fine-tune-types.js';
import type { TrainingBackendSpec } from '../../suite/types.js';
import { type GitHubApi, githubRequest, githubWebUrl, repoPath, resolveGitHubApiUrl } from './github-rest.js';
import { answerDetail, type HttpAnswer } from './http.js';
import { type JobData, jobData, receiverJob, type TrainingDataUploader } from './training-data.js';

export type GitHubDispatchSpec = Extract<TrainingBackendSpec, { type: 'github-dispatch' }>;

export interface GitHubDispatchOptions {
  apiUrl?: string;
  fetch?: typeof fetch;
  /** Uploads a training set too large to send inline (the Action's workflow artifacts). */
  uploadData?: TrainingDataUploader;
}

const CODE = 'training-backend';

/**
 * Characters of gzip+base64 data sent inline. GitHub takes at most 65,535 characters of workflow_dispatch
 * inputs and under 64 KB of repository_dispatch client_payload; the rest of the payload fits in what is left.
 */
export const GITHUB_INLINE_LIMIT = 60_000;

/**
 * The inputs a `workflow_dispatch` training workflow must declare. GitHub accepts only string inputs
 * and rejects undeclared ones, so the set is fixed and every value is a string ('' when unset);
 * `training_data` and `validation_data` are JSON (see TrainingData).
 */
export const WORKFLOW_INPUTS = [
  'suite',
  'base_model',
  'method',
  'epochs',
  'suffix',
  'idempotency_key',
  'training_data',
  'validation_data',
] as const;

/** A workflow run, as GitHub's runs list and `return_run_details` describe it. */
interface WorkflowRun {
  id: number;
  display_title?: string;
  name?: string;
  html_url?: string;
  status?: string;
  conclusion?: string | null;
}

/**
 * Hands training to the team's own GitHub Actions workflow: a `workflow_dispatch` of `spec.workflow`
 * when set, else a `repository_dispatch` of `spec.event_type`. Before dispatching it looks for a run whose
 * name holds the idempotency key (the workflow sets `run-name` to include it), so a lost ledger never
 * dispatches twice; a workflow_dispatch asks GitHub for the new run's id (`return_run_details`), and a job
 * with a run id follows that run.
 */
export function createGitHubDispatchBackend(
  spec: GitHubDispatchSpec,
  env: Record<string, string | undefined>,
  options: GitHubDispatchOptions = {},
): FineTuneBackend {
  const apiUrl = resolveGitHubApiUrl(options.apiUrl, spec.api_url, env);
  const actionsUrl = `${githubWebUrl(apiUrl)}/${spec.repository}/actions${
    spec.workflow ? `/workflows/${encodeURIComponent(spec.workflow)}` : ''
  }`;
  const target = spec.workflow
    ? `workflow ${spec.workflow} on ${spec.ref} in ${spec.repository}`
    : `repository_dispatch "${spec.event_type}" to ${spec.repository}`;

  function dispatchedJob(id: string, message: string): TrainingJob {
    return {
      backend: 'github-dispatch',
      id,
      status: 'dispatched',
      url: actionsUrl,
      events: [{ at: new Date().toISOString(), message }],
    };
  }

  function api(): GitHubApi {
    const token = env[spec.token_env];
    if (!token) {
      throw new TunegateError(
        CODE,
        `set ${spec.token_env} to a GitHub token that may dispatch to ${spec.repository} ` +
          `(${requiredPermission(spec)}); the suite's training.backend.token_env names that variable`,
        { exitCode: ExitCode.usage },
      );
    }
    return { apiUrl, token, ...(options.fetch ? { fetch: options.fetch } : {}) };
  }

  /** The run an earlier dispatch with this key started, found by the key in its name. */
  async function earlierRun(github: GitHubApi, key: string): Promise<WorkflowRun | undefined> {
    const path = spec.workflow
      ? `${repoPath(spec.repository)}/actions/workflows/${encodeURIComponent(spec.workflow)}/runs?event=workflow_dispatch&per_page=100`
      : `${repoPath(spec.repository)}/actions/runs?event=repository_dispatch&per_page=100`;
    const answer = await githubRequest(github, 'GET', path, CODE);
    // A workflow never run yet is a 404 on some servers: nothing to find.
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw dispatchError(spec, `listing the runs of ${target}`, answer);
    const runs = (answer.json as { workflow_runs?: WorkflowRun[] } | undefined)?.workflow_runs ?? [];
    return runs.find((run) => `${run.display_title ?? ''} ${run.name ?? ''}`.includes(key));
  }

  async function dispatch(github: GitHubApi, job: TrainingJobSpec): Promise<WorkflowRun | undefined> {
    const data = await jobData(job, {
      inlineLimit: GITHUB_INLINE_LIMIT,
      uploader: options.uploadData,
      where: spec.workflow ? 'workflow_dispatch inputs' : 'a repository_dispatch client_payload',
    });
    if (!spec.workflow) {
      const path = `${repoPath(spec.repository)}/dispatches`;
      const body = { event_type: spec.event_type, client_payload: receiverJob(job, data) };
      const answer = await githubRequest(github, 'POST', path, CODE, body);
      if (!answer.ok) throw dispatchError(spec, target, answer);
      return undefined;
    }
    const path = `${repoPath(spec.repository)}/actions/workflows/${encodeURIComponent(spec.workflow)}/dispatches`;
    const body = { ref: spec.ref, inputs: workflowInputs(job, data) };
    let answer = await githubRequest(github, 'POST', path, CODE, { ...body, return_run_details: true });
    // Servers from before return_run_details (older GitHub Enterprise Server) refuse the field: ask without it.
    if ((answer.status === 400 || answer.status === 422) && answer.text.includes('return_run_details')) {
      answer = await githubRequest(github, 'POST', path, CODE, body);
    }
    if (!answer.ok) throw dispatchError(spec, target, answer);
    const details = answer.json as { workflow_run_id?: number; html_url?: string } | undefined;
    if (typeof details?.workflow_run_id !== 'number') return undefined;
    return { id: details.workflow_run_id, ...(details.html_url ? { html_url: details.html_url } : {}) };
  }

  return {
    name: 'github-dispatch',

    async start(job: TrainingJobSpec): Promise<TrainingJob> {
      const github = api();
      const earlier = await earlierRun(github, job.idempotency_key);
      if (earlier) {
        return runJob(earlier, `found run ${earlier.id} of ${target}, dispatched earlier for this training set`);
      }
      const run = await dispatch(github, job);
      const message = `dispatched ${target}; that workflow owns the training run (follow it at ${run?.html_url ?? actionsUrl})`;
      return run ? runJob(run, message) : dispatchedJob(job.idempotency_key, message);
    },

    async status(id: string): Promise<TrainingJob> {
      if (!/^\d+$/.test(id)) {
        return dispatchedJob(
          id,
          `the team's workflow (${target}) owns this run; tunegate does not follow it — see ${actionsUrl}`,
        );
      }
      const answer = await githubRequest(api(), 'GET', `${repoPath(spec.repository)}/actions/runs/${id}`, CODE);
      if (!answer.ok) throw dispatchError(spec, `reading run ${id} of ${target}`, answer);
      return runJob(answer.json as WorkflowRun, `run ${id} of ${target}`);
    },
  };
}

/** A workflow run as a training job: queued or running until it completes, then its conclusion. */
function runJob(run: WorkflowRun, message: string): TrainingJob {
  const conclusion: Record<string, JobStatus> = { success: 'succeeded', cancelled: 'cancelled' };
  const status: JobStatus =
    run.status === 'completed'
      ? (conclusion[run.conclusion ?? ''] ?? 'failed')
      : run.status === 'in_progress'
        ? 'running'
        : 'queued';
  return {
    backend: 'github-dispatch',
    id: String(run.id),
    status,
    ...(run.html_url ? { url: run.html_url } : {}),
    events: [{ at: new Date().toISOString(), message: `${message} (${run.status ?? 'queued'})` }],
  };
}

function workflowInputs(job: TrainingJobSpec, data: JobData): Record<(typeof WORKFLOW_INPUTS)[number], string> {
  return {
    suite: job.suite,
    base_model: job.base_model,
    method: job.method ?? 'sft',
    epochs: job.epochs === undefined ? '' : String(job.epochs),
    suffix: job.suffix ?? '',
    idempotency_key: job.idempotency_key,
    training_data: JSON.stringify(data.training_data),
    validation_data: data.validation_data ? JSON.stringify(data.validation_data) : '',
  };
}

function requiredPermission(spec: GitHubDispatchSpec): string {
  return spec.workflow ? 'actions: write, for workflow_dispatch' : 'contents: write, for repository_dispatch';
}

function dispatchError(spec: GitHubDispatchSpec, target: string, answer: HttpAnswer): TunegateError {
  const detail = answerDetail(answer);
  const fix: Record<number, string> = {
    401: `the token in ${spec.token_env} was rejected; set it to a valid token`,
    403: `the token in ${spec.token_env} may not dispatch; give it ${requiredPermission(spec)}, on ${spec.repository}`,
    404:
      `check that ${spec.repository}${spec.workflow ? ` has the workflow ${spec.workflow}` : ' exists'} ` +
      `and that the token in ${spec.token_env} can see it (GitHub answers 404 to tokens without access)`,
    422: spec.workflow
      ? `check that ${spec.workflow} declares on: workflow_dispatch with the inputs ${WORKFLOW_INPUTS.join(', ')} ` +
        `and that the ref ${spec.ref} exists`
      : 'check the event_type and the payload (at most 10 top-level client_payload keys)',
  };
  const advice = fix[answer.status];
  return new TunegateError(
    CODE,
    `GitHub refused the ${target} (${answer.status}: ${detail})${advice ? `; ${advice}` : ''}`,
    { exitCode: advice ? ExitCode.usage : ExitCode.runtime },
  );
}
