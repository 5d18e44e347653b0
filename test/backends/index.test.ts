import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import type { FineTuneBackend } from '../../src/providers/fine-tune-types.js';
import type { LoadedSuite, ProviderSpec } from '../../src/suite/types.js';
import { createBackend, type OpenAIBackendFactory } from '../../src/training/backends/index.js';

const provider = { name: 'openai', headers: {} } as unknown as ProviderSpec;
const suite = { file: 'evals/intents.yaml', providers: { openai: provider } } as unknown as LoadedSuite;

function recordingFactory() {
  const calls: Parameters<OpenAIBackendFactory>[] = [];
  const backend: FineTuneBackend = {
    name: 'openai',
    start: async () => ({}) as never,
    status: async () => ({}) as never,
  };
  const factory: OpenAIBackendFactory = (...args) => {
    calls.push(args);
    return backend;
  };
  return { calls, backend, factory };
}

describe('createBackend', () => {
  it("passes the suite's provider and API flavour to the injected OpenAI factory", () => {
    const { calls, backend, factory } = recordingFactory();
    const env = { OPENAI_API_KEY: 'k' };
    const created = createBackend({ type: 'openai', provider: 'openai', api: 'together' }, suite, env, {
      openai: factory,
    });
    expect(created).toBe(backend);
    expect(calls).toEqual([[provider, env, { api: 'together' }]]);
  });

  it('names the known providers when the backend names another', () => {
    const { factory } = recordingFactory();
    expect(() =>
      createBackend({ type: 'openai', provider: 'local', api: 'openai' }, suite, {}, { openai: factory }),
    ).toThrow(
      new TunegateError(
        'config',
        `evals/intents.yaml: training.backend.provider "local" is not one of the suite's providers (openai)`,
      ),
    );
  });

  it('builds the dispatch and webhook backends', () => {
    const { factory } = recordingFactory();
    const dispatch = createBackend(
      { type: 'github-dispatch', repository: 'a/b', event_type: 'e', ref: 'main', token_env: 'T' },
      suite,
      {},
      { openai: factory },
    );
    const webhook = createBackend(
      { type: 'webhook', url: 'http://127.0.0.1:1/x', headers: {} },
      suite,
      {},
      { openai: factory },
    );
    expect([dispatch.name, webhook.name]).toEqual(['github-dispatch', 'webhook']);
  });
});
