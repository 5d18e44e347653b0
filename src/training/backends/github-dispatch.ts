import { ExitCode, TunegateError } from '../../errors.js';
import type { TrainingBackendSpec } from '../../suite/types.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from '../types.js';
import { githubRequest, githubWebUrl, repoPath, resolveGitHubApiUrl } from './github-rest.js';
import { answerDetail, type HttpAnswer } from './http.js';

export type GitHubDispatchSpec = Extract<TrainingBackendSpec, { type: 'github-dispatch' }>;

export interface GitHubDispatchOptions {
  apiUrl?: string;
  fetch?: typeof fetch;
}

const CODE = 'training-backend';

/**
 * The inputs a `workflow_dispatch` training workflow must declare. GitHub accepts only string inputs
 * and rejects undeclared ones, so the set is fixed and every value is a string ('' when unset).
 */
export const WORKFLOW_INPUTS = ['suite', 'base_model', 'training_file', 'idempotency_key', 'epochs', 'suffix'] as const;

/**
 * Hands training to the team's own GitHub Actions workflow: a `workflow_dispatch` of `spec.workflow`
 * when set, else a `repository_dispatch` of `spec.event_type`. GitHub answers neither with a run id,
 * so the job is `dispatched` and the team's workflow owns it from there.
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

  return {
    name: 'github-dispatch',

    async start(job: TrainingJobSpec): Promise<TrainingJob> {
      const token = env[spec.token_env];
      if (!token) {
        throw new TunegateError(
          CODE,
          `set ${spec.token_env} to a GitHub token that may dispatch to ${spec.repository} ` +
            `(${requiredPermission(spec)}); the suite's training.backend.token_env names that variable`,
          { exitCode: ExitCode.usage },
        );
      }
      const api = { apiUrl, token, ...(options.fetch ? { fetch: options.fetch } : {}) };
      const [path, body] = spec.workflow
        ? [
            `${repoPath(spec.repository)}/actions/workflows/${encodeURIComponent(spec.workflow)}/dispatches`,
            { ref: spec.ref, inputs: workflowInputs(job) },
          ]
        : [`${repoPath(spec.repository)}/dispatches`, { event_type: spec.event_type, client_payload: { ...job } }];
      const answer = await githubRequest(api, 'POST', path, CODE, body);
      if (!answer.ok) throw dispatchError(spec, target, answer);
      return dispatchedJob(
        job.idempotency_key,
        `dispatched ${target}; that workflow owns the training run (follow it at ${actionsUrl})`,
      );
    },

    async status(id: string): Promise<TrainingJob> {
      return dispatchedJob(
        id,
        `the team's workflow (${target}) owns this run; tunegate does not follow it — see ${actionsUrl}`,
      );
    },
  };
}

function workflowInputs(job: TrainingJobSpec): Record<(typeof WORKFLOW_INPUTS)[number], string> {
  return {
    suite: job.suite,
    base_model: job.base_model,
    training_file: job.training_file,
    idempotency_key: job.idempotency_key,
    epochs: job.epochs === undefined ? '' : String(job.epochs),
    suffix: job.suffix ?? '',
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
