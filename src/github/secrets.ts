import * as core from '@actions/core';
import type { LoadedSuite } from '../suite/types.js';

/**
 * The environment variables whose values the suites use as secrets: API keys, provider headers read
 * from the environment, and the training backends' tokens.
 */
export function secretVariableNames(suites: readonly LoadedSuite[]): string[] {
  const names = new Set<string>();
  for (const suite of suites) {
    for (const provider of Object.values(suite.providers)) {
      if (provider.api_key_env !== undefined) names.add(provider.api_key_env);
      for (const value of Object.values(provider.headers)) if (typeof value !== 'string') names.add(value.env);
    }
    const backend = suite.training?.backend;
    if (backend?.type === 'github-dispatch') names.add(backend.token_env);
    if (backend?.type === 'webhook' && backend.secret_env !== undefined) names.add(backend.secret_env);
    if (backend?.type === 'azure' && backend.deployment.token_env !== undefined) {
      names.add(backend.deployment.token_env);
    }
  }
  return [...names];
}

/** Masks the value of every secret the suites name, so no log line can show one. */
export function maskSecrets(env: Record<string, string | undefined>, suites: readonly LoadedSuite[]): void {
  for (const name of secretVariableNames(suites)) {
    const value = env[name];
    if (value) core.setSecret(value);
  }
}
