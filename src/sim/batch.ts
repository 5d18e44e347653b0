import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimBatchConfig } from './batch-config.js';
import type { SimChatRequest } from './chat-body.js';
import type { SimFileStore } from './files.js';
import { errorReply, type Reply } from './fine-tuning.js';
import { cursorPage } from './pages.js';
import { readLimitedBody } from './request-body.js';

/** Counters of the Batch API routes. */
export interface SimBatchStats {
  /** `POST /batches` that created a batch. */
  created: number;
  /** `GET /batches/{id}`. */
  polls: number;
  /** Lines answered (each as the chat route would have answered it). */
  lines: number;
  /** Lines that failed on purpose (`fail_every`, `fail_custom_ids`). */
  failed_lines: number;
  expired: number;
  cancelled: number;
}

export function emptyBatchStats(): SimBatchStats {
  return { created: 0, polls: 0, lines: 0, failed_lines: 0, expired: 0, cancelled: 0 };
}

/** Answers one line's body as the synchronous route would; `id` names the completion. */
export type LineAnswerer = (request: SimChatRequest, id: string) => { status: number; body: unknown };

interface InputLine {
  custom_id: string;
  body: SimChatRequest;
}

interface Finished {
  status: 'completed' | 'expired' | 'cancelled';
  output_file_id: string | null;
  error_file_id: string | null;
  completed: number;
  failed: number;
  at: number;
}

interface SimBatch {
  id: string;
  input_file_id: string;
  endpoint: string;
  completion_window: string;
  metadata: Record<string, string> | null;
  created_ms: number;
  lines: InputLine[];
  /** Lines it answers before it expires (all of them when it does not). */
  answerable: number;
  finished: Finished | null;
}

const MAX_BODY_BYTES = 1024 * 1024;
const ENDPOINTS = ['/v1/chat/completions'];
const seconds = (ms: number) => Math.floor(ms / 1000);

function parseLines(text: string): InputLine[] | string {
  const lines: InputLine[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let line: { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
    try {
      line = JSON.parse(raw);
    } catch {
      return `line ${index + 1} is not valid JSON`;
    }
    if (typeof line.custom_id !== 'string' || typeof line.body !== 'object' || line.body === null) {
      return `line ${index + 1} needs a string custom_id and an object body`;
    }
    if (lines.some((known) => known.custom_id === line.custom_id)) {
      return `line ${index + 1} repeats custom_id ${line.custom_id}`;
    }
    lines.push({ custom_id: line.custom_id, body: line.body as SimChatRequest });
  }
  return lines.length === 0 ? 'the input file has no requests' : lines;
}

/**
 * OpenAI's Batch API (`/batches`, with `/files/{id}/content` for the output): a batch goes validating →
 * in_progress → finalizing → completed on the simulator's clock (durations from the config), its lines answered
 * by the chat route's logic when it finishes. It may instead expire with partial output, and lines may fail.
 */
export class SimBatches {
  private readonly batches = new Map<string, SimBatch>();
  private answered = 0;

  constructor(
    private readonly config: SimBatchConfig,
    private readonly files: SimFileStore,
    private readonly answer: LineAnswerer,
    private readonly stats: SimBatchStats,
    private readonly now: () => number = Date.now,
  ) {}

  /** The batches, for the saved simulator state (their output files are saved with the other files). */
  save(): SimBatch[] {
    return [...this.batches.values()];
  }

  /** Takes back the batches of a saved state; they go on ageing on the clock from when they were created. */
  restore(saved: readonly unknown[]): void {
    for (const batch of saved as SimBatch[]) {
      if (typeof batch?.id === 'string' && Array.isArray(batch.lines)) this.batches.set(batch.id, batch);
    }
  }

  /** Handles the request when it is one of these routes (after an optional `/v1`); returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, send: Send): boolean {
    const parts = (path.startsWith('/v1/') ? path.slice(3) : path).split('/').filter((part) => part !== '');
    const [first, id, sub] = parts.map(decodeURIComponent);
    const reply = (result: Reply) => send(res, result.status, JSON.stringify(result.body));
    const method = req.method ?? 'GET';
    if (first === 'files' && id !== undefined && sub === 'content' && parts.length === 3 && method === 'GET') {
      const file = this.files.get(id);
      if (file) send(res, 200, file.bytes, { 'content-type': 'application/octet-stream' });
      else reply(errorReply(404, `No such File object: ${id}`));
      return true;
    }
    if (first !== 'batches') return false;
    if (method === 'POST' && parts.length === 1) {
      readLimitedBody(
        req,
        MAX_BODY_BYTES,
        (body) => reply(this.create(body)),
        () => reply(errorReply(413, 'The request body is too large.')),
      );
    } else if (method === 'GET' && parts.length === 1) {
      reply({
        status: 200,
        body: cursorPage(
          [...this.batches.values()].map((b) => this.object(b)),
          query,
        ),
      });
    } else if (method === 'GET' && id !== undefined && parts.length === 2) {
      this.stats.polls++;
      const batch = this.batches.get(id);
      reply(batch ? { status: 200, body: this.object(batch) } : errorReply(404, `No batch found with id '${id}'.`));
    } else if (method === 'POST' && id !== undefined && sub === 'cancel' && parts.length === 3) {
      reply(this.cancel(id));
    } else return false;
    return true;
  }

  private create(body: Buffer): Reply {
    let request: { input_file_id?: unknown; endpoint?: unknown; completion_window?: unknown; metadata?: unknown };
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      return errorReply(400, 'We could not parse the JSON body of your request.');
    }
    const file = typeof request.input_file_id === 'string' ? this.files.get(request.input_file_id) : undefined;
    if (!file) return errorReply(400, `invalid input_file_id: ${String(request.input_file_id)}`, null, 'input_file_id');
    if (typeof request.endpoint !== 'string' || !ENDPOINTS.includes(request.endpoint)) {
      return errorReply(400, `endpoint must be one of ${ENDPOINTS.join(', ')}`, null, 'endpoint');
    }
    if (request.completion_window !== '24h') {
      return errorReply(400, 'completion_window must be 24h', null, 'completion_window');
    }
    const lines = parseLines(file.bytes.toString('utf8'));
    if (typeof lines === 'string') return errorReply(400, `invalid input file: ${lines}`, 'invalid_file');
    const batch: SimBatch = {
      id: `batch_sim_${this.batches.size + 1}`,
      input_file_id: file.id,
      endpoint: request.endpoint,
      completion_window: '24h',
      metadata: (request.metadata as Record<string, string> | undefined) ?? null,
      created_ms: this.now(),
      lines,
      answerable: this.expires(lines) ? Math.min(lines.length, this.config.expire_after_lines ?? 0) : lines.length,
      finished: null,
    };
    this.batches.set(batch.id, batch);
    this.stats.created++;
    return { status: 200, body: this.object(batch) };
  }

  private expires(lines: InputLine[]): boolean {
    const { expire_after_lines: after, expire_models: models } = this.config;
    if (after === undefined) return false;
    return models === undefined || lines.some((line) => models.includes(String(line.body.model)));
  }

  private cancel(id: string): Reply {
    const batch = this.batches.get(id);
    if (!batch) return errorReply(404, `No batch found with id '${id}'.`);
    if (!batch.finished) {
      this.finish(batch, 'cancelled', this.progress(batch));
      this.stats.cancelled++;
    }
    return { status: 200, body: this.object(batch) };
  }

  /** Milestones of the batch's life on the clock, in ms after its creation. */
  private milestones() {
    const validated = this.config.validating_ms ?? 0;
    const processed = validated + (this.config.in_progress_ms ?? 0);
    return { validated, processed, finalized: processed + (this.config.finalizing_ms ?? 0) };
  }

  /** Lines answered by now: they grow evenly while in progress, up to what it answers before it expires. */
  private progress(batch: SimBatch): number {
    const { validated, processed } = this.milestones();
    const elapsed = this.now() - batch.created_ms;
    if (elapsed < validated) return 0;
    const share = processed === validated ? 1 : Math.min(1, (elapsed - validated) / (processed - validated));
    return Math.min(batch.answerable, Math.floor(share * batch.lines.length));
  }

  private status(batch: SimBatch): string {
    if (batch.finished) return batch.finished.status;
    const elapsed = this.now() - batch.created_ms;
    const { validated, processed, finalized } = this.milestones();
    if (elapsed < validated) return 'validating';
    if (elapsed < processed) return 'in_progress';
    if (batch.answerable < batch.lines.length) {
      this.finish(batch, 'expired', batch.answerable);
      this.stats.expired++;
      return 'expired';
    }
    if (elapsed < finalized) return 'finalizing';
    this.finish(batch, 'completed', batch.lines.length);
    return 'completed';
  }

  /** Answers the first `answered` lines and writes the output and error files. */
  private finish(batch: SimBatch, status: Finished['status'], answered: number): void {
    const output: string[] = [];
    const errors: string[] = [];
    const failing = new Set(this.config.fail_custom_ids ?? []);
    for (const [index, line] of batch.lines.entries()) {
      const id = `${batch.id}_req_${index + 1}`;
      if (index >= answered) {
        const code = status === 'expired' ? 'batch_expired' : 'batch_cancelled';
        const message =
          status === 'expired'
            ? 'This request could not be executed before the completion window expired.'
            : 'This request was not executed: the batch was cancelled.';
        errors.push(JSON.stringify({ id, custom_id: line.custom_id, response: null, error: { code, message } }));
        continue;
      }
      this.stats.lines++;
      this.answered++;
      const every = this.config.fail_every;
      const fails = failing.has(line.custom_id) || (every !== undefined && this.answered % every === 0);
      if (fails) this.stats.failed_lines++;
      const reply = fails
        ? { status: 500, body: errorReply(500, 'The server had an error (simulated).', 'server_error').body }
        : this.answer(line.body, `chatcmpl-sim-${id}`);
      const response = { status_code: reply.status, request_id: `req_${id}`, body: reply.body };
      (reply.status === 200 ? output : errors).push(
        JSON.stringify({ id, custom_id: line.custom_id, response, error: null }),
      );
    }
    const store = (kind: string, lines: string[]) =>
      lines.length === 0
        ? null
        : this.files.put(
            `file-${batch.id}-${kind}`,
            Buffer.from(`${lines.join('\n')}\n`),
            `${batch.id}_${kind}.jsonl`,
            'batch_output',
          ).id;
    batch.finished = {
      status,
      output_file_id: store('output', output),
      error_file_id: store('error', errors),
      completed: output.length,
      failed: errors.length,
      at: this.now(),
    };
  }

  /** The batch object as OpenAI returns it. */
  private object(batch: SimBatch) {
    const status = this.status(batch);
    const { finished } = batch;
    const { validated, processed } = this.milestones();
    const created = batch.created_ms;
    const started = status === 'validating' ? null : seconds(created + validated);
    const done = finished ? seconds(finished.at) : null;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      errors: null,
      input_file_id: batch.input_file_id,
      completion_window: batch.completion_window,
      status,
      output_file_id: finished?.output_file_id ?? null,
      error_file_id: finished?.error_file_id ?? null,
      created_at: seconds(created),
      in_progress_at: started,
      expires_at: seconds(created + 24 * 3_600_000),
      finalizing_at: status === 'finalizing' || status === 'completed' ? seconds(created + processed) : null,
      completed_at: status === 'completed' ? done : null,
      failed_at: null,
      expired_at: status === 'expired' ? done : null,
      cancelling_at: status === 'cancelled' ? done : null,
      cancelled_at: status === 'cancelled' ? done : null,
      request_counts: {
        total: batch.lines.length,
        completed: finished ? finished.completed : this.progress(batch),
        failed: finished ? finished.failed : 0,
      },
      metadata: batch.metadata,
    };
  }
}

type Send = (res: ServerResponse, status: number, body: string | Buffer, headers?: Record<string, string>) => void;
