import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { artifactServiceAvailable, findLatestArtifact } from '../../src/github/history-artifact.js';
import { fakeGitHubPerTest } from './fake-github.js';

const repository = { owner: 'acme', repo: 'intents' };
const start = fakeGitHubPerTest();

describe('the history as a workflow artifact', () => {
  it('finds the newest unexpired artifact of that name, and the run that made it', async () => {
    const { fake, client } = await start();
    expect(await findLatestArtifact(client, repository, 'tunegate-history')).toBeUndefined();
    fake.artifacts.push(
      { id: 1, name: 'tunegate-history', expired: false, created_at: '2026-11-01T03:00:00Z', run_id: 11 },
      { id: 3, name: 'tunegate-history', expired: true, created_at: '2026-11-03T03:00:00Z', run_id: 13 },
      { id: 2, name: 'tunegate-history', expired: false, created_at: '2026-11-02T03:00:00Z', run_id: 12 },
      { id: 4, name: 'tunegate-results', expired: false, created_at: '2026-11-04T03:00:00Z', run_id: 14 },
    );
    expect(await findLatestArtifact(client, repository, 'tunegate-history')).toEqual({
      id: 2,
      runId: 12,
      createdAt: '2026-11-02T03:00:00Z',
    });
  });

  it('says which permission to add when it may not list artifacts', async () => {
    const { client } = await start({ failArtifacts: 403 });
    const error = await findLatestArtifact(client, repository, 'tunegate-history').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as Error).message).toContain('permissions:\n    actions: read');
  });

  it('needs the runner’s artifact service', () => {
    expect(artifactServiceAvailable({})).toBe(false);
    expect(artifactServiceAvailable({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://r' })).toBe(true);
  });
});
