import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimAzureDeployments } from './azure.js';
import type { SimBehaviour } from './behaviour.js';
import type { SimConfig } from './config.js';
import { fileObject, SimFileStore } from './files.js';
import { errorReply, type JobApi, type Reply, SimFineTuningApi } from './fine-tuning.js';
import { SimFireworks } from './fireworks.js';
import { readLimitedBody } from './request-body.js';
import type { SimSnapshot } from './state.js';
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
  /** Azure deployments created or re-pointed (PUT), and those refused with a 403 (fine_tuning.deploy_denied). */
  deployments_created: number;
  deploy_denied: number;
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
    deployments_created: 0,
    deploy_denied: 0,
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

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
const badRequest = (message: string): Reply => errorReply(400, message);

function stringMetadata(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

/**
 * The simulator's training endpoints: `/files`, OpenAI's `/fine_tuning/jobs`, Together's `/fine-tunes`, an Azure
 * OpenAI resource's `/openai/…` (and Azure's management API for deployments), Fireworks' `/v1/accounts/{account}/…`,
 * and the stored-completion lists of `/chat/completions`. Paths are matched after an optional `/v1`.
 */
export class SimTrainingRoutes {
  private readonly files = new SimFileStore();
  private readonly stored = new StoredCompletions();
  private readonly fineTuning: SimFineTuningApi;
  private readonly fireworks: SimFireworks;
  private readonly azure: SimAzureDeployments;

  constructor(
    config: SimConfig,
    behaviour: SimBehaviour,
    private readonly stats: SimTrainingStats,
    private readonly send: Send,
    onModelsChanged: () => void,
  ) {
    const serve = (model: string, base: string, accuracy: number) => {
      // The trained model answers as fast as its base; its accuracy and fragility are its own (a model that
      // learnt the task is steady unless fine_tuning.fragility says otherwise).
      const { fragility: _baseFragility, ...baseConfig } = behaviour.modelConfig(base) ?? {};
      const fragility = config.fine_tuning?.fragility;
      behaviour.registerModel(model, { ...baseConfig, accuracy, ...(fragility === undefined ? {} : { fragility }) });
      onModelsChanged();
    };
    const settings = config.fine_tuning ?? {};
    this.fineTuning = new SimFineTuningApi(settings, config.seed ?? 1, this.files, stats, serve);
    this.fireworks = new SimFireworks(settings, this.fineTuning);
    this.azure = new SimAzureDeployments(
      settings,
      stats,
      (model) => this.fineTuning.trained(model),
      (name, trained) => serve(name, trained.base, trained.accuracy),
    );
  }

  /** The uploaded files, shared with the batch routes (their input and output files). */
  get fileStore(): SimFileStore {
    return this.files;
  }

  /** Everything the training routes made, for the saved simulator state. */
  save(): SimSnapshot {
    const { jobs, trained } = this.fineTuning.save();
    return {
      version: 1,
      files: this.files.save(),
      jobs,
      trained,
      datasets: this.fineTuning.datasets.save(),
      fireworks_datasets: this.fireworks.save(),
      deployments: this.azure.save(),
    };
  }

  /** Takes back a saved state: the files, jobs, trained models and deployments of earlier commands. */
  restore(snapshot: SimSnapshot): void {
    this.files.restore(snapshot.files);
    this.fineTuning.datasets.restore(snapshot.datasets ?? []);
    this.fineTuning.restore(snapshot.jobs, snapshot.trained ?? []);
    this.fireworks.restore(snapshot.fireworks_datasets ?? []);
    this.azure.restore(snapshot.deployments ?? []);
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
    const reply = (result: Reply) => this.send(res, result.status, JSON.stringify(result.body));
    const method = req.method ?? 'GET';
    const unknown = () => errorReply(404, `Unknown route: ${method} ${path}`, 'unknown_url');
    if (parts[0] === 'accounts') {
      const read = () => new Promise<Buffer>((resolve) => this.readRaw(req, res, resolve));
      void this.fireworks.handle(req, parts, query, read).then((result) => reply(result ?? unknown()));
      return true;
    }
    if (parts[0] === 'subscriptions') {
      this.readRaw(req, res, (body) => {
        const json = body.length === 0 ? undefined : parseJson(body);
        reply(this.azure.handle(method, parts, query, json) ?? unknown());
      });
      return true;
    }
    if (parts[0] === 'openai') {
      const v1 = parts[1] === 'v1';
      // Azure's dated routes need an api-version; without one the resource answers 404.
      if (!v1 && !query.get('api-version'))
        reply({ status: 404, body: { error: { code: '404', message: 'Resource not found' } } });
      else if (!this.openAIRoutes(req, res, parts.slice(v1 ? 2 : 1), query, 'azure')) reply(unknown());
      return true;
    }
    return this.openAIRoutes(req, res, parts, query, 'openai');
  }

  /** `/files` and the OpenAI-shaped job routes, as OpenAI and Together serve them, or as an Azure resource does. */
  private openAIRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
    query: URLSearchParams,
    host: 'openai' | 'azure',
  ): boolean {
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
    const openAIShaped = first === 'fine_tuning' && second === 'jobs';
    const api: Exclude<JobApi, 'fireworks'> | undefined =
      host === 'azure'
        ? openAIShaped
          ? 'azure'
          : undefined
        : openAIShaped
          ? 'openai'
          : first === 'fine-tunes'
            ? 'together'
            : undefined;
    if (api !== undefined) {
      const rest = api === 'together' ? parts.slice(1) : parts.slice(2);
      const [id, sub] = rest;
      if (method === 'POST' && rest.length === 0) {
        this.readRaw(req, res, (body) => reply(this.withJson(body, (json) => this.fineTuning.create(api, json))));
      } else if (method === 'GET' && rest.length === 0) reply(this.fineTuning.list(api, query));
      else if (method === 'GET' && id !== undefined && rest.length === 1) reply(this.fineTuning.retrieve(api, id));
      else if (method === 'POST' && id !== undefined && sub === 'cancel' && rest.length === 2) {
        reply(this.fineTuning.cancel(api, id));
      } else if (method === 'GET' && api !== 'together' && id !== undefined && sub === 'events' && rest.length === 2) {
        reply(this.fineTuning.events(api, id, query));
      } else return false;
      return true;
    }
    if (host === 'openai' && method === 'GET' && first === 'chat' && second === 'completions') {
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
    const json = parseJson(body);
    return json === undefined ? badRequest('We could not parse the JSON body of your request.') : then(json);
  }

  private readRaw(req: IncomingMessage, res: ServerResponse, then: (body: Buffer) => void): void {
    readLimitedBody(req, MAX_UPLOAD_BYTES, then, () => {
      const { status, body } = errorReply(413, 'The request body is too large.');
      this.send(res, status, JSON.stringify(body));
    });
  }
}
