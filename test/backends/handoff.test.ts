import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { createGitHubDispatchBackend, type GitHubDispatchSpec } from '../../src/training/backends/github-dispatch.js';
import type { TrainingData, TrainingDataUploader } from '../../src/training/backends/training-data.js';
import { createWebhookBackend } from '../../src/training/backends/webhook.js';
import { openLedger, startOnce } from '../../src/training/ledger.js';
import { listenOnLoopback } from '../loopback.js';
import { type RecordingServer, startRecordingServer } from './recording-server.js';

const dir = await mkdtemp(join(tmpdir(), 'tunegate-handoff-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function jsonl(name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a receiver does with what it was given: decode it or download it, then check the sha256 and size. */
async function fetchAndVerify(data: TrainingData): Promise<Buffer> {
  const bytes = data.inline_gzip_base64
    ? gunzipSync(Buffer.from(data.inline_gzip_base64, 'base64'))
    : Buffer.from(await (await fetch(data.url as string)).arrayBuffer());
  if (sha256(bytes) !== data.sha256 || bytes.length !== data.size_bytes) throw new Error('sha256 mismatch');
  return bytes;
}

async function listen(server: Server): Promise<string> {
  const listening = await listenOnLoopback(server);
  servers.push(listening);
  return listening.origin;
}

/** A loopback store standing in for workflow artifacts: the uploader puts files there, GET serves them. */
async function artifactStore() {
  const stored = new Map<string, Buffer>();
  const url = await listen(
    createServer((request, response) => {
      const bytes = stored.get(request.url ?? '');
      response.writeHead(bytes ? 200 : 404);
      response.end(bytes);
    }),
  );
  let next = 100;
  const uploads: string[] = [];
  const uploader: TrainingDataUploader = async (name, files) => {
    const id = next++;
    uploads.push(name);
    // One file per artifact here, so the route serves the file itself.
    stored.set(`/artifacts/${id}`, await readFile(files[0] as string));
    return { id, name, url: `${url}/artifacts/${id}` };
  };
  return { uploader, uploads };
}

/** A webhook receiver that downloads or decodes the training set it is given and checks it. */
async function verifyingReceiver() {
  const received: { key: string | undefined; bytes: Buffer }[] = [];
  const url = await listen(
    createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      try {
        const bytes = await fetchAndVerify(body.job.training_data);
        received.push({ key: request.headers['idempotency-key'] as string | undefined, bytes });
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'run-1', status: 'queued' }));
      } catch (error) {
        response.writeHead(400);
        response.end(String(error));
      }
    }),
  );
  return { url, received };
}

const small = '{"messages":[{"role":"user","content":"card lost"},{"role":"assistant","content":"lost_card"}]}\n';
// Random text does not compress: 100 KB stays far above GitHub's inline limit once encoded.
const large = `${randomBytes(50_000).toString('hex')}\n`;

function job(trainingFile: string, key = 'key-1'): TrainingJobSpec {
  return { suite: 'intents', base_model: 'base', training_file: trainingFile, epochs: 2, idempotency_key: key };
}

describe('the trainer gets the data', () => {
  it('a webhook receiver decodes the inline set and its sha256 matches', async () => {
    const receiver = await verifyingReceiver();
    const backend = createWebhookBackend({ type: 'webhook', url: `${receiver.url}/train`, headers: {} }, {});
    const started = await backend.start(job(await jsonl('small.jsonl', small)));
    expect(started.status).toBe('queued');
    expect(receiver.received).toEqual([{ key: 'key-1', bytes: Buffer.from(small) }]);
  });

  it('a set too large to inline is uploaded, and the receiver downloads it by the URL it was given', async () => {
    const store = await artifactStore();
    const github = await fakeGitHub();
    const backend = createGitHubDispatchBackend(
      { ...workflowSpec, api_url: github.url },
      { TRAIN_TOKEN: 't' },
      { uploadData: store.uploader },
    );
    await backend.start(job(await jsonl('large.jsonl', large), 'key-large'));
    const inputs = github.dispatches[0]?.inputs as Record<string, string>;
    const data = JSON.parse(inputs.training_data as string) as TrainingData;
    expect(data).toMatchObject({ name: 'large.jsonl', artifact_id: 100, artifact_name: store.uploads[0] });
    expect(data.inline_gzip_base64).toBeUndefined();
    expect((await fetchAndVerify(data)).toString()).toBe(large);
  });

  it('without an uploader (the CLI), a set too large to inline is refused with what to do', async () => {
    const github = await fakeGitHub();
    const backend = createGitHubDispatchBackend({ ...workflowSpec, api_url: github.url }, { TRAIN_TOKEN: 't' });
    const error = await backend.start(job(await jsonl('large2.jsonl', large))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as Error).message).toMatch(/more than the 58\.6 KiB workflow_dispatch inputs can carry inline/);
    expect((error as Error).message).toMatch(/start training from the tunegate Action/);
    expect(github.dispatches).toEqual([]);
  });
});

const workflowSpec: GitHubDispatchSpec = {
  type: 'github-dispatch',
  repository: 'acme/train',
  event_type: 'tunegate-train',
  workflow: 'train.yml',
  ref: 'main',
  token_env: 'TRAIN_TOKEN',
};

/**
 * The few REST routes of a dispatch: the dispatch itself (answering run details when asked, as GitHub
 * does), and the runs list, where a dispatched run is named by its workflow's `run-name`.
 */
async function fakeGitHub(options: { runDetails?: boolean } = {}) {
  const runs: { id: number; display_title: string; status: string; html_url: string; event: string }[] = [];
  const dispatches: Record<string, unknown>[] = [];
  let server: RecordingServer | undefined;
  server = await startRecordingServer((request) => {
    const path = request.path.split('?')[0];
    if (request.method === 'POST' && path?.endsWith('/dispatches')) {
      const body = JSON.parse(request.raw);
      dispatches.push(body);
      const key = body.inputs?.idempotency_key ?? body.client_payload?.idempotency_key;
      const id = 500 + runs.length;
      const event = body.inputs ? 'workflow_dispatch' : 'repository_dispatch';
      runs.push({
        id,
        display_title: `tunegate train ${key}`,
        status: 'queued',
        html_url: `${server?.url}/r/${id}`,
        event,
      });
      if (body.return_run_details && options.runDetails !== false) {
        return {
          status: 200,
          body: { workflow_run_id: id, run_url: `${server?.url}/runs/${id}`, html_url: `${server?.url}/r/${id}` },
        };
      }
      return { status: 204 };
    }
    if (request.method === 'GET' && path?.endsWith('/runs')) {
      const event = new URL(request.path, 'http://x').searchParams.get('event');
      const listed = runs.filter((run) => !event || run.event === event);
      return { status: 200, body: { total_count: listed.length, workflow_runs: [...listed].reverse() } };
    }
    const run = runs.find((r) => path === `/repos/acme/train/actions/runs/${r.id}`);
    if (run) return { status: 200, body: { ...run, status: 'completed', conclusion: 'success' } };
    return { status: 404, body: { message: 'Not Found' } };
  });
  servers.push(server);
  return { url: server.url, dispatches, runs };
}

describe('once means once on github-dispatch', () => {
  for (const [what, spec, runDetails] of [
    ['workflow_dispatch with run details', workflowSpec, true],
    ['workflow_dispatch without run details (older servers)', workflowSpec, false],
    ['repository_dispatch', { ...workflowSpec, workflow: undefined } as GitHubDispatchSpec, false],
  ] as const) {
    it(`${what}: an evicted ledger finds the earlier run and does not dispatch twice`, async () => {
      const github = await fakeGitHub({ runDetails });
      const backend = createGitHubDispatchBackend({ ...spec, api_url: github.url }, { TRAIN_TOKEN: 't' });
      const file = await jsonl('once.jsonl', small);
      const first = await startOnce(backend, job(file, 'key-once'), await openLedger(join(dir, `a-${what}`)));
      // A new, empty ledger: the cache was evicted or another runner asks.
      const again = await startOnce(backend, job(file, 'key-once'), await openLedger(join(dir, `b-${what}`)));

      expect(github.dispatches).toHaveLength(1);
      expect(first.started).toBe(true);
      expect(again.started).toBe(true);
      expect(again.job.id).toBe('500');
      if (runDetails) expect(first.job.id).toBe('500');
      expect((await backend.status('500')).status).toBe('succeeded');
    });
  }
});
