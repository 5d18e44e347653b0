import { TunegateError } from '../../errors.js';
import type { LoadedSuite, ProviderSpec, TrainingBackendSpec } from '../../suite/types.js';
import type { FineTuneBackend } from '../types.js';
import { createGitHubDispatchBackend } from './github-dispatch.js';
import { createWebhookBackend } from './webhook.js';

export { createGitHubDispatchBackend, type GitHubDispatchSpec, WORKFLOW_INPUTS } from './github-dispatch.js';
export { createWebhookBackend, SIGNATURE_HEADER, signBody, type WebhookSpec } from './webhook.js';

/** Builds the OpenAI(-compatible) fine-tuning backend; injected so this layer never imports `openai`. */
export type OpenAIBackendFactory = (
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  options: { api: 'openai' | 'together' },
) => FineTuneBackend;

export interface BackendDeps {
  openai: OpenAIBackendFactory;
  fetch?: typeof fetch;
  /** GitHub REST API URL for github-dispatch (else the suite's api_url, then GITHUB_API_URL). */
  githubApiUrl?: string;
}

/** The backend a suite's `training.backend` names. */
export function createBackend(
  spec: TrainingBackendSpec,
  suite: LoadedSuite,
  env: Record<string, string | undefined>,
  deps: BackendDeps,
): FineTuneBackend {
  switch (spec.type) {
    case 'openai': {
      const provider = suite.providers[spec.provider];
      if (!provider) {
        const known = Object.keys(suite.providers).join(', ') || 'none';
        throw new TunegateError(
          'config',
          `${suite.file}: training.backend.provider "${spec.provider}" is not one of the suite's providers (${known})`,
        );
      }
      return deps.openai(provider, env, { api: spec.api });
    }
    case 'github-dispatch':
      return createGitHubDispatchBackend(spec, env, {
        ...(deps.githubApiUrl ? { apiUrl: deps.githubApiUrl } : {}),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    case 'webhook':
      return createWebhookBackend(spec, env, deps.fetch ? { fetch: deps.fetch } : {});
  }
}
