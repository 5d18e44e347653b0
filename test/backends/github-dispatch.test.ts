import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { createGitHubDispatchBackend, type GitHubDispatchSpec } from '../../src/training/backends/github-dispatch.js';
import { githubWebUrl } from '../../src/training/backends/github-rest.js';
import { type RecordingServer, type Reply, startRecordingServer } from './recording-server.js';

const dataDir = await mkdtemp(join(tmpdir(), 'tunegate-dispatch-'));
await writeFile(join(dataDir, 'train.jsonl'), 'train\n');
await writeFile(join(dataDir, 'validation.jsonl'), 'validation\n');
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function inlined(name: string, content: string) {
  return {
    name,
    sha256: createHash('sha256').update(content).digest('hex'),
    size_bytes: content.length,
    inline_gzip_base64: gzipSync(content).toString('base64'),
  };
}

const job: TrainingJobSpec = {
  suite: 'banking-intents',
  base_model: 'gpt-4.1-nano-2025-04-14',
  training_file: join(dataDir, 'train.jsonl'),
  validation_file: join(dataDir, 'validation.jsonl'),
  suffix: 'intents',
  epochs: 3,
  idempotency_key: 'a1b2c3',
};

const repositoryDispatch: GitHubDispatchSpec = {
  type: 'github-dispatch',
  repository: 'acme/train',
  event_type: 'tunegate-train',
  ref: 'main',
  token_env: 'TRAIN_TOKEN',
};
const workflowDispatch: GitHubDispatchSpec = { ...repositoryDispatch, workflow: 'train.yml', ref: 'release' };

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers the runs list with no runs (nothing dispatched before) and every dispatch with `reply`. */
async function serve(reply: Reply = { status: 204 }) {
  const started = await startRecordingServer((request) =>
    request.method === 'GET' ? { status: 200, body: { workflow_runs: [] } } : reply,
  );
  server = started;
  return {
    url: started.url,
    get requests() {
      return started.requests.filter((request) => request.method !== 'GET');
    },
  };
}

describe('github-dispatch backend', () => {
  it('sends a workflow_dispatch with string inputs and returns a dispatched job', async () => {
    const github = await serve();
    const backend = createGitHubDispatchBackend(workflowDispatch, { TRAIN_TOKEN: 'tok-123' }, { apiUrl: github.url });

    const started = await backend.start(job);

    expect(github.requests).toHaveLength(1);
    const [request] = github.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/repos/acme/train/actions/workflows/train.yml/dispatches');
    expect(request?.headers.authorization).toBe('Bearer tok-123');
    expect(request?.headers.accept).toBe('application/vnd.github+json');
    expect(JSON.parse(request?.raw ?? '')).toEqual({
      ref: 'release',
      return_run_details: true,
      inputs: {
        suite: 'banking-intents',
        base_model: 'gpt-4.1-nano-2025-04-14',
        method: 'sft',
        idempotency_key: 'a1b2c3',
        epochs: '3',
        suffix: 'intents',
        training_data: JSON.stringify(inlined('train.jsonl', 'train\n')),
        validation_data: JSON.stringify(inlined('validation.jsonl', 'validation\n')),
      },
    });
    expect(started).toMatchObject({
      backend: 'github-dispatch',
      id: 'a1b2c3',
      status: 'dispatched',
      url: `${github.url}/acme/train/actions/workflows/train.yml`,
    });
    expect(started.events[0]?.message).toContain('owns the training run');
  });

  it('sends empty strings for unset inputs (GitHub accepts only strings)', async () => {
    const github = await serve();
    const backend = createGitHubDispatchBackend(workflowDispatch, { TRAIN_TOKEN: 't' }, { apiUrl: github.url });
    await backend.start({
      suite: 's',
      base_model: 'm',
      training_file: join(dataDir, 'train.jsonl'),
      idempotency_key: 'k',
    });
    expect(JSON.parse(github.requests[0]?.raw ?? '').inputs).toEqual({
      suite: 's',
      base_model: 'm',
      method: 'sft',
      idempotency_key: 'k',
      epochs: '',
      suffix: '',
      training_data: JSON.stringify(inlined('train.jsonl', 'train\n')),
      validation_data: '',
    });
  });

  it('sends a repository_dispatch with the job as client_payload when no workflow is named', async () => {
    const github = await serve();
    const backend = createGitHubDispatchBackend(repositoryDispatch, { TRAIN_TOKEN: 'tok' }, { apiUrl: github.url });

    const started = await backend.start(job);

    const [request] = github.requests;
    expect(request?.path).toBe('/repos/acme/train/dispatches');
    const { training_file: _t, validation_file: _v, ...rest } = job;
    expect(JSON.parse(request?.raw ?? '')).toEqual({
      event_type: 'tunegate-train',
      client_payload: {
        ...rest,
        training_data: inlined('train.jsonl', 'train\n'),
        validation_data: inlined('validation.jsonl', 'validation\n'),
      },
    });
    expect(started.url).toBe(`${github.url}/acme/train/actions`);
  });

  it('takes the API URL from the suite, then GITHUB_API_URL', async () => {
    const github = await serve();
    const fromEnv = createGitHubDispatchBackend(repositoryDispatch, {
      TRAIN_TOKEN: 't',
      GITHUB_API_URL: `${github.url}/`,
    });
    await fromEnv.start(job);
    const fromSpec = createGitHubDispatchBackend(
      { ...repositoryDispatch, api_url: github.url },
      { TRAIN_TOKEN: 't', GITHUB_API_URL: 'http://127.0.0.1:9/unused' },
    );
    await fromSpec.start(job);
    expect(github.requests.map((request) => request.path)).toEqual([
      '/repos/acme/train/dispatches',
      '/repos/acme/train/dispatches',
    ]);
  });

  it('names the variable to set when the token is missing, without calling GitHub', async () => {
    const github = await serve();
    const backend = createGitHubDispatchBackend(workflowDispatch, {}, { apiUrl: github.url });
    const error = await backend.start(job).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('training-backend');
    expect((error as TunegateError).message).toMatch(
      /^set TRAIN_TOKEN to a GitHub token that may dispatch to acme\/train \(actions: write, for workflow_dispatch\)/,
    );
    expect(github.requests).toHaveLength(0);
  });

  it.each([
    [workflowDispatch, 403, /may not dispatch; give it actions: write, for workflow_dispatch, on acme\/train/],
    [repositoryDispatch, 403, /give it contents: write, for repository_dispatch/],
    [repositoryDispatch, 401, /token in TRAIN_TOKEN was rejected/],
    [
      workflowDispatch,
      404,
      /check that acme\/train has the workflow train\.yml and that the token in TRAIN_TOKEN can see it/,
    ],
    [workflowDispatch, 422, /declares on: workflow_dispatch with the inputs suite, base_model.*ref release exists/],
  ])('explains a %# refusal (%s)', async (spec, status, advice) => {
    const github = await serve({ status, body: { message: 'GitHub says no' } });
    const backend = createGitHubDispatchBackend(spec, { TRAIN_TOKEN: 'secret-token' }, { apiUrl: github.url });
    const error = (await backend.start(job).catch((caught: unknown) => caught)) as TunegateError;
    expect(error.code).toBe('training-backend');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`(${status}: GitHub says no)`);
    expect(error.message).toMatch(advice);
    expect(error.message).not.toContain('secret-token');
  });

  it('reports a server error as a runtime failure', async () => {
    const github = await serve({ status: 502, body: { message: 'Bad gateway' } });
    const backend = createGitHubDispatchBackend(repositoryDispatch, { TRAIN_TOKEN: 't' }, { apiUrl: github.url });
    const error = (await backend.start(job).catch((caught: unknown) => caught)) as TunegateError;
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('(502: Bad gateway)');
  });

  it('reports status as dispatched: the team workflow owns the run', async () => {
    const github = await serve();
    const backend = createGitHubDispatchBackend(workflowDispatch, { TRAIN_TOKEN: 't' }, { apiUrl: github.url });
    const status = await backend.status('a1b2c3');
    expect(status).toMatchObject({ id: 'a1b2c3', status: 'dispatched' });
    expect(status.events[0]?.message).toContain("the team's workflow (workflow train.yml on release in acme/train)");
    expect(github.requests).toHaveLength(0);
  });
});

describe('githubWebUrl', () => {
  it('maps API URLs to the web pages people open', () => {
    expect(githubWebUrl('https://api.github.com')).toBe('https://github.com');
    expect(githubWebUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(githubWebUrl('https://api.acme.ghe.com')).toBe('https://acme.ghe.com');
  });
});
