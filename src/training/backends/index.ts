import { TunegateError } from '../../errors.js';
import type { FineTuneBackend } from '../../providers/fine-tune-types.js';
import type { LoadedSuite, ProviderSpec, TrainingBackendSpec } from '../../suite/types.js';
import { repositoryRoot } from '../../suite/workspace.js';
import { withAzureDeployment } from './azure-deploy.js';
import { createFireworksBackend } from './fireworks.js';
import { createGitHubDispatchBackend } from './github-dispatch.js';
import { redactUrl } from './http.js';
import { createLocalBackend } from './local.js';
import type { TrainingDataUploader } from './training-data.js';
import { createWebhookBackend } from './webhook.js';

export { deploymentName, withAzureDeployment } from './azure-deploy.js';
export { createFireworksBackend, type FireworksSpec, fireworksBase } from './fireworks.js';
export { createGitHubDispatchBackend, type GitHubDispatchSpec, WORKFLOW_INPUTS } from './github-dispatch.js';
export { createLocalBackend, LOCAL_TRAINING_SEED } from './local.js';
export type { JobData, TrainingData, TrainingDataUploader, UploadedData } from './training-data.js';
export { createWebhookBackend, SIGNATURE_HEADER, signBody, WEBHOOK_INLINE_LIMIT, type WebhookSpec } from './webhook.js';

/** Builds the OpenAI(-compatible) fine-tuning backend; injected so this layer never imports `openai`. */
export type OpenAIBackendFactory = (
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  options: { api: 'openai' | 'together' | 'azure' },
) => FineTuneBackend;

export interface BackendDeps {
  openai: OpenAIBackendFactory;
  fetch?: typeof fetch;
  /** GitHub REST API URL for github-dispatch (else the suite's api_url, then GITHUB_API_URL). */
  githubApiUrl?: string;
  /** Waits between reads of a Fireworks dataset still being processed (injected for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Uploads training data too large for a dispatch or webhook payload (the Action's workflow artifacts). */
  uploadData?: TrainingDataUploader;
}

function backendProvider(name: string, suite: LoadedSuite): ProviderSpec {
  const provider = suite.providers[name];
  if (!provider) {
    const known = Object.keys(suite.providers).join(', ') || 'none';
    throw new TunegateError(
      'config',
      `${suite.file}: training.backend.provider "${name}" is not one of the suite's providers (${known})`,
    );
  }
  return provider;
}

/**
 * The trainer a backend spec points at — its type and endpoint — as one stable string for the job key
 * (no secrets: headers and tokens are not part of it, and URLs lose their query).
 */
export function backendIdentity(spec: TrainingBackendSpec, suite: LoadedSuite): string {
  // cache_identity stands for endpoints whose URL changes between runs (the simulator on a free port).
  const endpoint = (name: string) => {
    const provider = suite.providers[name];
    return provider?.cache_identity ?? provider?.base_url ?? 'default';
  };
  switch (spec.type) {
    case 'openai':
      return `openai:${spec.api}:${endpoint(spec.provider)}`;
    case 'azure':
      return `azure:${endpoint(spec.provider)}:${spec.deployment.account}`;
    case 'fireworks':
      return `fireworks:${spec.api_url ?? endpoint(spec.provider)}:${spec.account}`;
    case 'github-dispatch':
      return `github-dispatch:${spec.api_url ?? ''}:${spec.repository}:${spec.workflow ?? `event:${spec.event_type}`}`;
    case 'webhook':
      return `webhook:${redactUrl(spec.url)}`;
    case 'local':
      return 'local';
  }
}

/** The backend a suite's `training.backend` names. */
export function createBackend(
  spec: TrainingBackendSpec,
  suite: LoadedSuite,
  env: Record<string, string | undefined>,
  deps: BackendDeps,
): FineTuneBackend {
  const http = deps.fetch ? { fetch: deps.fetch } : {};
  const upload = deps.uploadData ? { uploadData: deps.uploadData } : {};
  switch (spec.type) {
    case 'openai':
      return deps.openai(backendProvider(spec.provider, suite), env, { api: spec.api });
    case 'azure': {
      const trainer = deps.openai(backendProvider(spec.provider, suite), env, { api: 'azure' });
      return withAzureDeployment(trainer, spec.deployment, env, http);
    }
    case 'fireworks':
      return createFireworksBackend(spec, backendProvider(spec.provider, suite), env, {
        ...http,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      });
    case 'github-dispatch':
      return createGitHubDispatchBackend(spec, env, {
        ...(deps.githubApiUrl ? { apiUrl: deps.githubApiUrl } : {}),
        ...http,
        ...upload,
      });
    case 'webhook':
      return createWebhookBackend(spec, env, { ...http, ...upload });
    case 'local':
      // Models live beside the suite's repository (.tunegate/models), where `run` looks for them.
      return createLocalBackend(() => repositoryRoot(suite.dir));
  }
}
