import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimBehaviour } from './behaviour.js';
import type { SimConfig } from './config.js';
import { fileObject, SimFileStore } from './files.js';
import { errorReply, type JobApi, type Reply, SimFineTuningApi } from './fine-tuning.js';
import { readLimitedBody } from './request-body.js';
import { StoredCompletions } from './stored.js';

/** Training files can be large: more room than a chat request gets. */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** Counters of the training-side endpoints (files, fine-tuning, stored completions, distillation). */
export interface SimTrainingStats {
  files_uploaded: number;
  jobs_created: number;
  /** Job retrievals (each advances the job one stage). */
  job_polls: number;
  /** Job creations refused with a 403 (fine_tuning.permission_denied). */
  permission_denied: number;
  models_trained: number;
  stored_completions: number;
  /** Chat requests answered with generated inputs ("Return a JSON array of N … inputs"). */
  generation_requests: number;
  inputs_generated: number;
}

export function emptyTrainingStats(): SimTrainingStats {
  return {
    files_uploaded: 0,
    jobs_created: 0,
    job_polls: 0,
    permission_denied: 0,
    models_trained: 0,
    stored_completions: 0,
    generation_requests: 0,
    inputs_generated: 0,
  };
}

/** What a chat completion request may carry for storage. */
export interface StorableRequest {
  model: string;
  messages: { role: string; content: string }[];
  store?: unknown;
  metadata?: unknown;
}

type Send = (res: ServerResponse, status: number, body: string) => void;

const notFound = (what: string): Reply => errorReply(404, what);
const badRequest = (message: string): Reply => errorReply(400, message);

function stringMetadata(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

/**
 * The simulator's training endpoints: `/files`, OpenAI's `/fine_tuning/jobs`, Together's `/fine-tunes`,
 * and the stored-completion lists of `/chat/completions`. Paths are matched after an optional `/v1`.
 */
export class SimTrainingRoutes {
  private readonly files = new SimFileStore();
  private readonly stored = new StoredCompletions();
  private readonly fineTuning: SimFineTuningApi;

  constructor(
    config: SimConfig,
    behaviour: SimBehaviour,
    private readonly stats: SimTrainingStats,
    private readonly send: Send,
    onModelsChanged: () => void,
  ) {
    const serve = (model: string, base: string, accuracy: number) => {
      // The trained model answers as fast as its base; only its accuracy is its own.
      behaviour.registerModel(model, { ...behaviour.modelConfig(base), accuracy });
      onModelsChanged();
    };
    this.fineTuning = new SimFineTuningApi(config.fine_tuning ?? {}, config.seed ?? 1, this.files, stats, serve);
  }

  /** Remembers a completion made with `store: true`. */
  remember(request: StorableRequest, completion: { id: string } & Record<string, unknown>): void {
    if (request.store !== true) return;
    this.stats.stored_completions++;
    this.stored.add(
      { ...completion, model: request.model, metadata: stringMetadata(request.metadata) },
      request.messages,
    );
  }

  /** Counts a distillation request answered with `count` generated inputs. */
  countGenerated(count: number): void {
    this.stats.generation_requests++;
    this.stats.inputs_generated += count;
  }

  /** Handles the request when it is one of these routes; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): boolean {
    const route = path.startsWith('/v1/') ? path.slice(3) : path;
    const query = new URLSearchParams(search);
    const parts = route
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
    const [first, second, third, fourth] = parts;
    const reply = (result: Reply) => this.send(res, result.status, JSON.stringify(result.body));
    const method = req.method ?? 'GET';
    if (first === 'files') {
      if (method === 'POST' && (parts.length === 1 || (parts.length === 2 && second === 'upload'))) {
        this.readRaw(req, res, (body) => void this.upload(req, body).then(reply));
        return true;
      }
      if (method !== 'GET' || parts.length > 2) return false;
      if (second === undefined) reply({ status: 200, body: this.files.list(query) });
      else {
        const file = this.files.get(second);
        reply(file ? { status: 200, body: fileObject(file) } : notFound(`No such File object: ${second}`));
      }
      return true;
    }
    const api: JobApi | undefined =
      first === 'fine_tuning' && second === 'jobs' ? 'openai' : first === 'fine-tunes' ? 'together' : undefined;
    if (api !== undefined) {
      const rest = api === 'openai' ? parts.slice(2) : parts.slice(1);
      const [id, sub] = rest;
      if (method === 'POST' && rest.length === 0) {
        this.readRaw(req, res, (body) => reply(this.withJson(body, (json) => this.fineTuning.create(api, json))));
      } else if (method === 'GET' && rest.length === 0) reply(this.fineTuning.list(api, query));
      else if (method === 'GET' && id !== undefined && rest.length === 1) reply(this.fineTuning.retrieve(api, id));
      else if (method === 'GET' && api === 'openai' && id !== undefined && sub === 'events' && rest.length === 2) {
        reply(this.fineTuning.events(id, query));
      } else return false;
      return true;
    }
    if (method === 'GET' && first === 'chat' && second === 'completions') {
      if (parts.length === 2) reply({ status: 200, body: this.stored.list(query) });
      else if (third !== undefined && fourth === 'messages' && parts.length === 4) {
        const page = this.stored.messages(third, query);
        reply(page ? { status: 200, body: page } : notFound(`No stored completion with id ${third}.`));
      } else return false;
      return true;
    }
    return false;
  }

  private async upload(req: IncomingMessage, body: Buffer): Promise<Reply> {
    const file = await this.files.upload(body, req.headers['content-type'] ?? '');
    if (typeof file === 'string') return badRequest(file);
    this.stats.files_uploaded++;
    return { status: 200, body: fileObject(file) };
  }

  private withJson(body: Buffer, then: (json: unknown) => Reply): Reply {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return badRequest('We could not parse the JSON body of your request.');
    }
    return then(json);
  }

  private readRaw(req: IncomingMessage, res: ServerResponse, then: (body: Buffer) => void): void {
    readLimitedBody(req, MAX_UPLOAD_BYTES, then, () => {
      const { status, body } = errorReply(413, 'The request body is too large.');
      this.send(res, status, JSON.stringify(body));
    });
  }
}
