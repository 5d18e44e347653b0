import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TunegateError } from '../errors.js';
import { loadTokenizer } from '../providers/tokens.js';
import { isLocalModelId } from '../training/local/model.js';
import { emptyBatchStats, SimBatches, type SimBatchStats } from './batch.js';
import { type SimAnswer, SimBehaviour } from './behaviour.js';
import {
  type CompletionEnvelope,
  chatRequestProblem,
  completionObject,
  modelNotFoundMessage,
  openAiUsage,
  type SimChatRequest,
  toChatMessages,
} from './chat-body.js';
import type { SimConfig } from './config.js';
import { answerLocal, type LocalAnswer, type LocalModels, retrieveLocal, sendLocal } from './local-route.js';
import { modelList as listModels, retrieveModel } from './models.js';
import { RequestBucket } from './rate-limit.js';
import { readLimitedBody } from './request-body.js';
import { readSimState, writeSimState } from './state.js';
import { emptyTrainingStats, SimTrainingRoutes, type SimTrainingStats } from './training-routes.js';

export interface SimModelStats {
  requests: number;
  correct: number;
  wrong: number;
  unknown_input: number;
}

/** Live counters; the object is updated in place while the simulator runs. */
export interface SimStats {
  /** Every HTTP request, any route. */
  requests: number;
  /** Chat completion requests (each retry counts). */
  completions: number;
  /** `GET /v1/models` and `GET /v1/models/{id}` requests. */
  models: number;
  by_status: Record<string, number>;
  faults: { rate_limited: number; server_error: number; reset: number; slow: number };
  /** 429s answered because `rate_limit` was exceeded (injected 429s are under `faults`). */
  throttled: number;
  by_model: Record<string, SimModelStats>;
  /** Per perturbation family recognised in completion requests: how many, and how many changed the answer. */
  perturbed: Record<string, { requests: number; flipped: number }>;
  /** Files, fine-tuning jobs, stored completions and generated (distillation) inputs. */
  training: SimTrainingStats;
  /** The Batch API routes. */
  batch: SimBatchStats;
  /** Real answers of `local:` models (see local-route.ts), by model id; unknown ids count too (answered 404). */
  local: Record<string, number>;
}

export interface RunningSimulator {
  /** Base URL for an OpenAI client, ending in /v1. */
  url: string;
  port: number;
  stats: SimStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const STREAM_PIECES = 3;
const BASE_HEADERS = { 'x-tunegate-simulator': '1' };
const SSE_HEADERS = { ...BASE_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function splitText(text: string, pieces: number): string[] {
  if (text.length === 0) return [''];
  const size = Math.ceil(text.length / pieces);
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}

/** Starts an OpenAI-compatible simulator on a loopback port (a free one by default). */
export async function startSimulator(
  config: SimConfig,
  options: {
    port?: number;
    host?: string;
    /** Keep files, jobs and trained models in this file, so the next simulator (the next command) has them. */
    statePath?: string;
    /** Answer every `local:` model for real with these classifiers (any other `local:` id: 404). */
    localModels?: LocalModels;
  } = {},
): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new TunegateError(
      'sim-host',
      `The simulator only listens on loopback addresses (127.0.0.1, ::1, localhost); "${host}" is not one.`,
    );
  }
  await loadTokenizer(); // answers carry token usage
  const behaviour = new SimBehaviour(config);
  const stats: SimStats = {
    requests: 0,
    completions: 0,
    models: 0,
    by_status: {},
    faults: { rate_limited: 0, server_error: 0, reset: 0, slow: 0 },
    throttled: 0,
    by_model: {},
    perturbed: {},
    training: emptyTrainingStats(),
    batch: emptyBatchStats(),
    local: {},
  };
  const { localModels } = options;
  const sendLocalAnswer = (res: ServerResponse, answer: LocalAnswer, request: SimChatRequest) => {
    stats.by_status[answer.status] = (stats.by_status[answer.status] ?? 0) + 1;
    sendLocal(res, answer, request);
  };
  let modelList = listModels(behaviour, config);
  // Fine-tuning jobs that succeed add the models they made.
  // Saves run one after another, each after a training route answered (a job advances when it is read).
  let saving: Promise<void> = Promise.resolve();
  const persist = (): void => {
    const { statePath } = options;
    if (!statePath) return;
    const snapshot = { ...training.save(), batches: batches.save() };
    saving = saving.then(() => writeSimState(statePath, snapshot));
  };
  const sendAndPersist = (res: ServerResponse, status: number, body: string) => {
    send(res, status, body);
    persist();
  };
  const training = new SimTrainingRoutes(config, behaviour, stats.training, sendAndPersist, () => {
    modelList = listModels(behaviour, config);
  });
  const batches = new SimBatches(
    config.batch ?? {},
    training.fileStore,
    (request, id) => answerBatchLine(request, id),
    stats.batch,
  );
  const saved = options.statePath ? await readSimState(options.statePath) : undefined;
  if (saved) {
    training.restore(saved);
    batches.restore(saved.batches ?? []);
  }
  const bucket = config.rate_limit ? new RequestBucket(config.rate_limit, performance.now()) : null;
  const timers = new Set<NodeJS.Timeout>();
  let completionCounter = 0;
  let localCounter = 0;

  function later(ms: number, action: () => void): void {
    if (ms <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  }

  function send(
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    stats.by_status[status] = (stats.by_status[status] ?? 0) + 1;
    res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json', ...headers });
    res.end(body);
  }

  function sendError(
    res: ServerResponse,
    status: number,
    message: string,
    type: string,
    code: string | null,
    headers: Record<string, string> = {},
  ) {
    send(res, status, JSON.stringify({ error: { message, type, param: null, code } }), headers);
  }

  function retryAfter(ms: number): Record<string, string> {
    return { 'retry-after-ms': String(ms), 'retry-after': String(Math.ceil(ms / 1000)) };
  }

  function modelStats(model: string): SimModelStats {
    let entry = stats.by_model[model];
    if (!entry) {
      entry = { requests: 0, correct: 0, wrong: 0, unknown_input: 0 };
      stats.by_model[model] = entry;
    }
    return entry;
  }

  /** Answers a served model's request and counts it as every answer is counted; `id` names the completion. */
  function answerRequest(
    request: SimChatRequest & { model: string; messages: unknown[] },
    perModel: SimModelStats,
    id: string,
  ) {
    const messages = toChatMessages(request.messages);
    const answer = behaviour.answer(request.model, messages, { temperature: request.temperature });
    if (answer.outcome === 'generated') training.countGenerated(answer.generated ?? 0);
    else perModel[answer.outcome]++;
    if (answer.perturbation !== undefined) {
      stats.perturbed[answer.perturbation] ??= { requests: 0, flipped: 0 };
      const family = stats.perturbed[answer.perturbation];
      if (family) {
        family.requests++;
        if (answer.flipped) family.flipped++;
      }
    }
    const envelope: CompletionEnvelope = {
      id,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: 'tunegate-simulator',
    };
    if (request.store === true) {
      training.remember(
        { model: request.model, messages, store: true, metadata: request.metadata },
        completionObject(envelope, answer),
      );
    }
    return { answer, envelope };
  }

  /** One line of a batch, answered as the synchronous route answers (no rate limit or faults: the batch has none). */
  function answerBatchLine(request: SimChatRequest, id: string): { status: number; body: unknown } {
    const problem = chatRequestProblem(request);
    if (problem !== null || typeof request.model !== 'string' || !Array.isArray(request.messages)) {
      return {
        status: 400,
        body: { error: { message: problem, type: 'invalid_request_error', param: null, code: null } },
      };
    }
    const perModel = modelStats(request.model);
    perModel.requests++;
    if (!behaviour.serves(request.model)) {
      const error = {
        message: modelNotFoundMessage(request.model),
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      };
      return { status: 404, body: { error } };
    }
    const { answer, envelope } = answerRequest(
      { ...request, model: request.model, messages: request.messages },
      perModel,
      id,
    );
    return { status: 200, body: completionObject(envelope, answer) };
  }

  function complete(req: IncomingMessage, res: ServerResponse, body: string): void {
    let request: SimChatRequest;
    try {
      request = JSON.parse(body);
    } catch {
      sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
      return;
    }
    const problem = chatRequestProblem(request);
    if (problem !== null || typeof request.model !== 'string' || !Array.isArray(request.messages)) {
      sendError(res, 400, problem ?? '', 'invalid_request_error', 'missing_required_parameter');
      return;
    }
    if (localModels && isLocalModelId(request.model)) {
      stats.local[request.model] = (stats.local[request.model] ?? 0) + 1;
      const chat = { ...request, model: request.model, messages: request.messages };
      sendLocalAnswer(res, answerLocal(localModels, chat, `chatcmpl-local-${localCounter++}`), request);
      return;
    }
    const requestNumber = completionCounter++;
    stats.completions++;
    const perModel = modelStats(request.model);
    perModel.requests++;
    const now = performance.now();
    if (bucket && !bucket.take(now)) {
      stats.throttled++;
      const headers = { ...retryAfter(bucket.retryAfterMs), ...bucket.headers(now) };
      sendError(res, 429, 'Rate limit reached for requests (simulated).', 'requests', 'rate_limit_exceeded', headers);
      return;
    }
    const limitHeaders = bucket?.headers(now) ?? {};
    if (!behaviour.serves(request.model)) {
      sendError(
        res,
        404,
        modelNotFoundMessage(request.model),
        'invalid_request_error',
        'model_not_found',
        limitHeaders,
      );
      return;
    }
    const fault = behaviour.faultFor(requestNumber);
    if (fault === 'rate_limited') {
      stats.faults.rate_limited++;
      const headers = { ...retryAfter(behaviour.retryAfterMs), ...limitHeaders };
      sendError(res, 429, 'Rate limit reached (simulated).', 'requests', 'rate_limit_exceeded', headers);
      return;
    }
    if (fault === 'server_error') {
      stats.faults.server_error++;
      const status = behaviour.serverErrorStatus(requestNumber);
      sendError(res, status, 'The server had an error (simulated).', 'server_error', null, limitHeaders);
      return;
    }
    if (fault === 'reset') {
      stats.faults.reset++;
      req.socket.destroy();
      return;
    }
    let extraDelay = 0;
    if (fault === 'slow') {
      stats.faults.slow++;
      extraDelay = behaviour.slowMs;
    }
    const chat = { ...request, model: request.model, messages: request.messages };
    const { answer, envelope } = answerRequest(chat, perModel, `chatcmpl-sim-${requestNumber}`);
    if (request.stream === true) {
      const includeUsage = (request.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      stream(res, answer, envelope, { includeUsage, extraDelay, headers: limitHeaders });
      return;
    }
    later(answer.latencyMs + extraDelay, () => {
      send(res, 200, JSON.stringify(completionObject(envelope, answer)), limitHeaders);
    });
  }

  /** Role chunk at once, content after the time to first token, the rest spread over the latency. */
  function stream(
    res: ServerResponse,
    answer: SimAnswer,
    envelope: CompletionEnvelope,
    {
      includeUsage,
      extraDelay,
      headers,
    }: { includeUsage: boolean; extraDelay: number; headers: Record<string, string> },
  ): void {
    const usageField = includeUsage ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        ...envelope,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
        ...usageField,
      })}\n\n`;
    const pieces = splitText(answer.text, STREAM_PIECES);
    const step = (answer.latencyMs - answer.ttftMs) / pieces.length;
    const finish = () => {
      if (res.destroyed) return;
      let tail = chunk({}, 'stop');
      if (includeUsage) {
        const usageChunk = { ...envelope, object: 'chat.completion.chunk', choices: [], usage: openAiUsage(answer) };
        tail += `data: ${JSON.stringify(usageChunk)}\n\n`;
      }
      res.end(`${tail}data: [DONE]\n\n`);
    };
    const writePiece = (i: number) => {
      if (res.destroyed) return;
      res.write(chunk({ content: pieces[i] }, null));
      if (i + 1 < pieces.length) later(step, () => writePiece(i + 1));
      else later(step, finish);
    };
    later(extraDelay, () => {
      if (res.destroyed) return;
      stats.by_status[200] = (stats.by_status[200] ?? 0) + 1;
      res.writeHead(200, { ...SSE_HEADERS, ...headers });
      res.write(chunk({ role: 'assistant', content: '' }, null));
      later(answer.ttftMs, () => writePiece(0));
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    stats.requests++;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    // Any prefix is accepted so Azure-style deployment URLs work too.
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      readBody(req, res, (body) => complete(req, res, body));
      return;
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      stats.models++;
      send(res, 200, modelList);
      return;
    }
    const retrieve = /^(?:\/v1)?\/models\/(.+)$/.exec(path);
    if (req.method === 'GET' && retrieve?.[1] && localModels && isLocalModelId(decodeURIComponent(retrieve[1]))) {
      sendLocalAnswer(res, retrieveLocal(localModels, decodeURIComponent(retrieve[1])), {});
      return;
    }
    if (req.method === 'GET' && retrieve?.[1]) {
      stats.models++;
      const { status, body } = retrieveModel(retrieve[1], behaviour, config);
      send(res, status, body);
      return;
    }
    const batchSend: typeof send = (response, status, body, headers) => {
      send(response, status, body, headers);
      persist();
    };
    if (batches.handle(req, res, path, new URLSearchParams(query < 0 ? '' : url.slice(query + 1)), batchSend)) return;
    if (training.handle(req, res, path, query < 0 ? '' : url.slice(query + 1))) return;
    sendError(res, 404, `Unknown route: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url');
  }

  function readBody(req: IncomingMessage, res: ServerResponse, then: (body: string) => void): void {
    readLimitedBody(
      req,
      MAX_BODY_BYTES,
      (body) => then(body.toString('utf8')),
      () => sendError(res, 413, 'The request body is too large.', 'invalid_request_error', null),
    );
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    stats,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await saving;
    },
  };
}
