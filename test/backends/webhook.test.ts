import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { createWebhookBackend, type WebhookSpec } from '../../src/training/backends/webhook.js';
import { type RecordedRequest, type RecordingServer, type Reply, startRecordingServer } from './recording-server.js';

const TRAINING_JSONL = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"greeting"}]}\n';
const dataDir = await mkdtemp(join(tmpdir(), 'tunegate-webhook-'));
await writeFile(join(dataDir, 'train.jsonl'), TRAINING_JSONL);
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const job: TrainingJobSpec = {
  suite: 'banking-intents',
  base_model: 'gpt-4.1-nano-2025-04-14',
  training_file: join(dataDir, 'train.jsonl'),
  epochs: 2,
  idempotency_key: 'key-42',
};

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: (request: RecordedRequest) => Reply) {
  server = await startRecordingServer(reply);
  return server;
}

function spec(url: string, extra: Partial<WebhookSpec> = {}): WebhookSpec {
  return { type: 'webhook', url: `${url}/train`, headers: { 'x-team': 'ml' }, ...extra };
}

describe('webhook backend', () => {
  it('POSTs the job, signed with the secret and keyed for idempotency', async () => {
    const hook = await serve(() => ({ status: 202 }));
    const backend = createWebhookBackend(spec(hook.url, { secret_env: 'HOOK_SECRET' }), { HOOK_SECRET: 's3cret' });

    const started = await backend.start(job);

    const [request] = hook.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/train');
    expect(JSON.parse(request?.raw ?? '')).toEqual({
      event: 'tunegate.train',
      job: {
        suite: 'banking-intents',
        base_model: 'gpt-4.1-nano-2025-04-14',
        epochs: 2,
        idempotency_key: 'key-42',
        training_data: {
          name: 'train.jsonl',
          sha256: createHash('sha256').update(TRAINING_JSONL).digest('hex'),
          size_bytes: Buffer.byteLength(TRAINING_JSONL),
          inline_gzip_base64: gzipSync(TRAINING_JSONL).toString('base64'),
        },
      },
      idempotency_key: 'key-42',
    });
    const expected = `sha256=${createHmac('sha256', 's3cret')
      .update(request?.raw ?? '')
      .digest('hex')}`;
    expect(request?.headers['x-tunegate-signature']).toBe(expected);
    expect(request?.headers['idempotency-key']).toBe('key-42');
    expect(request?.headers['x-team']).toBe('ml');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(started).toMatchObject({ backend: 'webhook', id: 'key-42', status: 'dispatched' });
    expect(started.url).toBeUndefined();
  });

  it('sends no signature when no secret is configured', async () => {
    const hook = await serve(() => ({ status: 200, body: {} }));
    await createWebhookBackend(spec(hook.url), {}).start(job);
    expect(hook.requests[0]?.headers['x-tunegate-signature']).toBeUndefined();
  });

  it("takes the receiver's id, status and url, and follows its status_url", async () => {
    const hook = await serve((request) =>
      request.method === 'POST'
        ? {
            status: 201,
            body: { id: 'run-7', status: 'queued', url: 'https://ml.example/runs/7', status_url: '/runs/7' },
          }
        : {
            status: 200,
            body: {
              status: 'succeeded',
              model: 'ft:gpt-4.1-nano:acme:intents:7',
              events: [{ at: '2026-01-01T00:00:00Z', message: 'done' }, 'uploaded'],
            },
          },
    );
    const backend = createWebhookBackend(spec(hook.url), {});

    const started = await backend.start(job);
    expect(started).toMatchObject({ id: 'run-7', status: 'queued', url: 'https://ml.example/runs/7' });

    const followed = await backend.status('run-7');
    expect(hook.requests[1]).toMatchObject({ method: 'GET', path: '/runs/7' });
    expect(hook.requests[1]?.headers['x-team']).toBe('ml');
    expect(followed).toMatchObject({ id: 'run-7', status: 'succeeded', model: 'ft:gpt-4.1-nano:acme:intents:7' });
    expect(followed.events).toEqual([
      { at: '2026-01-01T00:00:00Z', message: 'done' },
      { at: expect.any(String), message: 'uploaded' },
    ]);
  });

  it('reports dispatched without a request when the receiver gave no status URL', async () => {
    const hook = await serve(() => ({ status: 204 }));
    const backend = createWebhookBackend(spec(hook.url), {});
    await backend.start(job);
    const followed = await backend.status('key-42');
    expect(followed.status).toBe('dispatched');
    expect(followed.events[0]?.message).toContain('gave no status URL');
    expect(hook.requests).toHaveLength(1);
  });

  it('refuses to send unsigned when the secret variable is empty', async () => {
    const hook = await serve(() => ({ status: 204 }));
    const backend = createWebhookBackend(spec(hook.url, { secret_env: 'HOOK_SECRET' }), {});
    const error = (await backend.start(job).catch((caught: unknown) => caught)) as TunegateError;
    expect(error).toBeInstanceOf(TunegateError);
    expect(error.message).toMatch(/^set HOOK_SECRET to the secret that signs webhook bodies/);
    expect(hook.requests).toHaveLength(0);
  });

  it('reports an error answer without printing the query string', async () => {
    const hook = await serve(() => ({ status: 500, body: { message: 'queue full' } }));
    const backend = createWebhookBackend({ type: 'webhook', url: `${hook.url}/train?token=abc`, headers: {} }, {});
    const error = (await backend.start(job).catch((caught: unknown) => caught)) as TunegateError;
    expect(error.code).toBe('training-backend');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`the training webhook ${hook.url}/train answered 500 (queue full)`);
  });

  it('points at headers and secret on 401/403', async () => {
    const hook = await serve(() => ({ status: 403 }));
    const error = (await createWebhookBackend(spec(hook.url), {})
      .start(job)
      .catch((caught: unknown) => caught)) as TunegateError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('answered 403 (no body); check training.backend.headers and secret_env');
  });

  it('rejects a status the job model does not know', async () => {
    const hook = await serve(() => ({ status: 200, body: { status: 'in-progress' } }));
    const error = (await createWebhookBackend(spec(hook.url), {})
      .start(job)
      .catch((caught: unknown) => caught)) as TunegateError;
    expect(error.message).toContain('answered status "in-progress"; expected one of queued, running');
  });

  it('says which endpoint could not be reached', async () => {
    const hook = await serve(() => ({ status: 204 }));
    const url = hook.url;
    await hook.close();
    server = undefined;
    const error = (await createWebhookBackend(spec(url), {})
      .start(job)
      .catch((caught: unknown) => caught)) as TunegateError;
    expect(error.message).toContain(`could not reach the training webhook at ${url}/train`);
  });
});
