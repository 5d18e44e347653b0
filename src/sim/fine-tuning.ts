import { hash32, key } from '../hash.js';
import type { SimFineTuning } from './config.js';
import { SimFileStore } from './files.js';
import { cursorPage, matchesMetadata, metadataFilter } from './pages.js';

/**
 * OpenAI's `/fine_tuning/jobs`, Together's `/fine-tunes`, Azure OpenAI's `/openai/fine_tuning/jobs` or Fireworks'
 * `supervisedFineTuningJobs`: same jobs, different shapes.
 */
export type JobApi = 'openai' | 'together' | 'azure' | 'fireworks';
type Stage = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** OpenAI rejects training files with fewer examples. */
const MIN_EXAMPLES = 10;
const DEFAULT_STEPS = 3;
const DEFAULT_ACCURACY = 0.9;

interface SimJobEvent {
  id: string;
  created_at: number;
  level: 'info' | 'error';
  message: string;
}

interface SimJob {
  id: string;
  api: JobApi;
  base_model: string;
  suffix: string | null;
  training_file: string;
  validation_file: string | null;
  metadata: Record<string, string> | null;
  n_epochs: number | null;
  /** OpenAI's training method: supervised, or dpo on preference pairs. */
  method: 'supervised' | 'dpo';
  created_at: number;
  finished_at: number | null;
  stage: Stage;
  /** Training steps reported so far. */
  step: number;
  events: SimJobEvent[];
  fine_tuned_model: string | null;
  error: { code: string; message: string; param: string | null } | null;
  /** Fireworks: the model the job writes (accounts/{account}/models/{name}), named when it is created. */
  output_model: string | null;
}

/** The fields of a job creation, once read from whichever API's request shape. */
export interface JobRequest {
  id: string;
  model: string;
  training_file: string;
  validation_file: string | null;
  suffix: string | null;
  metadata: Record<string, string> | null;
  n_epochs: number | null;
  output_model: string | null;
  method?: 'supervised' | 'dpo';
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface FineTuningCounters {
  jobs_created: number;
  job_polls: number;
  permission_denied: number;
  models_trained: number;
}

/** A model a job trained: what it was trained from and how well it answers. */
export interface TrainedModel {
  base: string;
  accuracy: number;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** An error in OpenAI's JSON shape, for every simulator route that answers with a Reply. */
export function errorReply(
  status: number,
  message: string,
  code: string | null = null,
  param: string | null = null,
): Reply {
  return { status, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

const OPENAI_STATUS: Record<Stage, string> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};
const TOGETHER_STATUS: Record<Stage, string> = {
  queued: 'pending',
  running: 'running',
  succeeded: 'completed',
  failed: 'error',
  cancelled: 'cancelled',
};
const FIREWORKS_STATE: Record<Stage, string> = {
  queued: 'JOB_STATE_CREATING',
  running: 'JOB_STATE_RUNNING',
  succeeded: 'JOB_STATE_COMPLETED',
  failed: 'JOB_STATE_FAILED',
  cancelled: 'JOB_STATE_CANCELLED',
};

/** Fireworks' control plane answers errors the gRPC-gateway way: `{ code, message, details }`. */
export function fireworksError(status: number, message: string): Reply {
  const codes: Record<number, number> = { 400: 3, 403: 7, 404: 5, 409: 6 };
  return { status, body: { code: codes[status] ?? 2, message, details: [] } };
}

/**
 * Simulated fine-tuning jobs. A job advances one stage each time it is retrieved — queued, running,
 * one training step per poll, succeeded — and on success its model is handed to `onTrained`, which
 * makes the chat endpoint serve it.
 */
export class SimFineTuningApi {
  private readonly jobs: SimJob[] = [];
  private readonly trainedModels = new Map<string, TrainedModel>();
  /** Fireworks datasets, by name (accounts/{account}/datasets/{id}). */
  readonly datasets = new SimFileStore();
  private readonly steps: number;

  constructor(
    private readonly settings: SimFineTuning,
    private readonly seed: number,
    private readonly files: SimFileStore,
    private readonly counters: FineTuningCounters,
    private readonly onTrained: (model: string, base: string, accuracy: number) => void,
  ) {
    this.steps = settings.steps ?? DEFAULT_STEPS;
  }

  /** A job from an OpenAI-shaped request (OpenAI, Together, Azure OpenAI). */
  create(api: Exclude<JobApi, 'fireworks'>, raw: unknown): Reply {
    const refused = this.refuse(api, raw);
    if (refused) return refused;
    const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const training = typeof body.training_file === 'string' ? this.files.get(body.training_file) : undefined;
    if (!training) {
      return errorReply(
        400,
        `invalid training_file: ${String(body.training_file)}`,
        'invalid_training_file',
        'training_file',
      );
    }
    const validation = body.validation_file ?? null;
    if (validation !== null && (typeof validation !== 'string' || !this.files.get(validation))) {
      return errorReply(
        400,
        `invalid validation_file: ${String(validation)}`,
        'invalid_validation_file',
        'validation_file',
      );
    }
    const method = methodOf(api, body, training.bytes);
    if (typeof method !== 'string') return method;
    const metadata = body.metadata ?? null;
    if (metadata !== null && !isStringRecord(metadata)) {
      return errorReply(400, '`metadata` must map keys to strings.', null, 'metadata');
    }
    const number = this.jobs.length + 1;
    const id = {
      openai: `ftjob-sim-${number}`,
      together: `ft-sim-${number}`,
      azure: `ftjob-${this.hex('job', number, 32)}`,
    }[api];
    const job = this.createJob(api, {
      id,
      model: body.model as string,
      training_file: training.id,
      validation_file: validation,
      suffix: typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : null,
      metadata,
      n_epochs: epochsOf(body),
      output_model: null,
      method,
    });
    return { status: 200, body: this.render(job, true) };
  }

  /**
   * A refusal before anything is read: a 403 for an account that may not fine-tune, a 404 for a base model
   * not offered for fine-tuning. Null when the job may be created.
   */
  refuse(api: JobApi, raw: unknown): Reply | null {
    const reply =
      api === 'fireworks'
        ? fireworksError
        : (status: number, message: string, code: string) => errorReply(status, message, code);
    if (this.settings.permission_denied) {
      this.counters.permission_denied++;
      const message =
        api === 'fireworks'
          ? 'Account is not permitted to create fine-tuning jobs (simulated PERMISSION_DENIED).'
          : api === 'azure'
            ? 'Fine-tuning is not available for this resource in its region (simulated).'
            : 'This organization does not have access to fine-tuning (simulated permission_denied).';
      return reply(403, message, 'permission_denied');
    }
    const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const model = api === 'fireworks' ? body.baseModel : body.model;
    if (typeof model !== 'string' || model === '') {
      return api === 'fireworks'
        ? fireworksError(400, 'baseModel is required.')
        : errorReply(400, 'Missing `model`.', null, 'model');
    }
    const offered = this.settings.fine_tunable;
    if (offered !== undefined && !offered.includes(model)) {
      const message =
        api === 'fireworks'
          ? `Model not found or not tunable: ${model}`
          : `The base model ${model} is not available for fine-tuning (simulated).`;
      return reply(404, message, 'model_not_found');
    }
    return null;
  }

  /** Records a new job (already checked) and reports its first events. */
  createJob(api: JobApi, request: JobRequest): SimJob {
    const job: SimJob = {
      ...request,
      method: request.method ?? 'supervised',
      api,
      base_model: request.model,
      created_at: now(),
      finished_at: null,
      stage: 'queued',
      step: 0,
      events: [],
      fine_tuned_model: null,
      error: null,
    };
    this.event(job, `Validating training file: ${request.training_file}`);
    this.event(job, 'Files validated, moving job to queued state');
    this.jobs.push(job);
    this.counters.jobs_created++;
    return job;
  }

  /** A job, or undefined: Fireworks reads one by its id before creating it. */
  has(api: JobApi, id: string): boolean {
    return this.find(api, id) !== undefined;
  }

  /** What a model trained here was trained from and how well it answers (Azure serves it once deployed). */
  /** Jobs and trained models, for the saved simulator state. */
  save(): { jobs: unknown[]; trained: [string, TrainedModel][] } {
    return { jobs: structuredClone(this.jobs), trained: [...this.trainedModels] };
  }

  /** Takes back a saved state's jobs and serves the models they trained again. */
  restore(jobs: readonly unknown[], trained: readonly [string, TrainedModel][]): void {
    this.jobs.push(...(jobs as SimJob[]));
    for (const [model, entry] of trained) {
      this.trainedModels.set(model, entry);
      this.onTrained(model, entry.base, entry.accuracy);
    }
  }

  trained(model: string): TrainedModel | undefined {
    return this.trainedModels.get(model);
  }

  /** Stops a job that has not finished. */
  cancel(api: JobApi, id: string): Reply {
    const job = this.find(api, id);
    if (!job) return this.notFound(api, id);
    if (job.stage === 'queued' || job.stage === 'running') {
      job.stage = 'cancelled';
      job.finished_at = now();
      this.event(job, 'Job cancelled');
    }
    return { status: 200, body: this.render(job, true) };
  }

  /** The job, one stage further along. */
  retrieve(api: JobApi, id: string): Reply {
    const job = this.find(api, id);
    if (!job) return this.notFound(api, id);
    this.counters.job_polls++;
    this.advance(job);
    return { status: 200, body: this.render(job, true) };
  }

  /** Newest first, filtered by `metadata[key]=value`, paginated by `after`/`limit` (OpenAI) — all jobs (Together). */
  list(api: Exclude<JobApi, 'fireworks'>, query: URLSearchParams): Reply {
    const filter = metadataFilter(query);
    const jobs = this.jobs
      .filter((job) => job.api === api && matchesMetadata(job.metadata, filter))
      .reverse()
      .map((job) => this.render(job, false) as { id: string });
    if (api === 'together') return { status: 200, body: { data: jobs } };
    return { status: 200, body: cursorPage(jobs, query) };
  }

  /** The job as it stands, without advancing it (what a creation answers with). */
  view(api: JobApi, id: string): Reply {
    const job = this.find(api, id);
    return job ? { status: 200, body: this.render(job, true) } : this.notFound(api, id);
  }

  /** Fireworks' list of an account's jobs, newest first. */
  listFireworks(parent: string): Reply {
    const jobs = this.jobs.filter((job) => job.api === 'fireworks' && job.id.startsWith(`${parent}/`)).reverse();
    return {
      status: 200,
      body: { supervisedFineTuningJobs: jobs.map((job) => this.render(job, false)), totalSize: jobs.length },
    };
  }

  /** OpenAI's event list: newest first, paginated. */
  events(api: 'openai' | 'azure', id: string, query: URLSearchParams): Reply {
    const job = this.find(api, id);
    if (!job) return errorReply(404, `No fine-tuning job with id ${id}.`, 'fine_tune_not_found', 'id');
    const events = [...job.events].reverse().map((event) => ({
      object: 'fine_tuning.job.event',
      ...event,
      type: 'message',
      data: {},
    }));
    return { status: 200, body: cursorPage(events, query) };
  }

  private notFound(api: JobApi, id: string): Reply {
    if (api === 'fireworks') return fireworksError(404, `SupervisedFineTuningJob not found: ${id}`);
    return errorReply(404, `No fine-tuning job with id ${id}.`, 'fine_tune_not_found', 'id');
  }

  private hex(what: string, n: number, length: number): string {
    let text = '';
    for (let part = 0; text.length < length; part++) {
      text += hash32(this.seed, key(what, String(n), String(part)))
        .toString(16)
        .padStart(8, '0');
    }
    return text.slice(0, length);
  }

  private find(api: JobApi, id: string): SimJob | undefined {
    return this.jobs.find((job) => job.api === api && job.id === id);
  }

  private event(job: SimJob, message: string, level: SimJobEvent['level'] = 'info'): void {
    job.events.push({ id: `${job.id}-event-${job.events.length + 1}`, created_at: now(), level, message });
  }

  private advance(job: SimJob): void {
    if (job.stage === 'queued') {
      const store = job.api === 'fireworks' ? this.datasets : this.files;
      const examples = store.get(job.training_file)?.lines ?? 0;
      if (examples < MIN_EXAMPLES) {
        const message = `Training file has ${examples} example(s), but must have at least ${MIN_EXAMPLES} examples`;
        job.error = { code: 'invalid_training_file', message, param: 'training_file' };
        job.stage = 'failed';
        job.finished_at = now();
        this.event(job, message, 'error');
        return;
      }
      job.stage = 'running';
      this.event(job, 'Fine-tuning job started');
      return;
    }
    if (job.stage !== 'running') return;
    if (job.step < this.steps) {
      job.step++;
      this.event(job, `Step ${job.step}/${this.steps}: training loss=${this.loss(job).toFixed(4)}`);
      return;
    }
    const model = this.modelName(job);
    job.fine_tuned_model = model;
    job.stage = 'succeeded';
    job.finished_at = now();
    this.event(job, `New fine-tuned model created: ${model}`);
    this.event(job, 'The job has successfully completed');
    this.counters.models_trained++;
    const bySuffix = job.suffix === null ? undefined : this.settings.accuracy_by_suffix?.[job.suffix];
    const accuracy = bySuffix ?? this.settings.accuracy ?? DEFAULT_ACCURACY;
    this.trainedModels.set(model, { base: job.base_model, accuracy });
    // Azure answers with a fine-tune only through a deployment of it.
    if (job.api !== 'azure') this.onTrained(model, job.base_model, accuracy);
  }

  /** Falls with each step, with a little seeded noise. */
  private loss(job: SimJob): number {
    const noise = (hash32(this.seed, key('loss', job.id, job.step)) % 1000) / 20_000;
    return 1.5 * 0.6 ** job.step + 0.05 + noise;
  }

  private modelName(job: SimJob): string {
    const short = hash32(this.seed, key('model', job.id)).toString(16).padStart(8, '0');
    const suffix = job.suffix ?? 'model';
    if (job.api === 'openai') return `ft:${job.base_model}:tunegate-sim:${suffix}:${short}`;
    // Azure: <base>.ft-<32 hex>, with the suffix kept beside it (user_provided_suffix).
    if (job.api === 'azure') return `${job.base_model}.ft-${this.hex('model', this.jobs.indexOf(job), 32)}`;
    if (job.api === 'fireworks' && job.output_model) return job.output_model;
    return `tunegate-sim/${job.base_model.split('/').at(-1)}-${suffix}-${short}`;
  }

  private render(job: SimJob, withEvents: boolean): unknown {
    if (job.api === 'openai') return openAIJob(job);
    if (job.api === 'azure') return azureJob(job);
    if (job.api === 'fireworks') return fireworksJob(job, this.steps);
    return togetherJob(job, withEvents);
  }
}

type MethodBody = Partial<Record<'supervised' | 'dpo', { hyperparameters?: { n_epochs?: unknown } }>> & {
  type?: unknown;
};

/**
 * The job's method. OpenAI's route takes `method: { type: 'dpo' }` on a training file of preference pairs (every
 * line with `preferred_output` and `non_preferred_output`); the other routes train supervised only.
 */
function methodOf(api: JobApi, body: Record<string, unknown>, training: Buffer): 'supervised' | 'dpo' | Reply {
  const type = (body.method as MethodBody | undefined)?.type ?? 'supervised';
  if (type === 'supervised') return 'supervised';
  if (type !== 'dpo' || api !== 'openai') {
    return errorReply(400, `Unsupported fine-tuning method: ${String(type)} (simulated).`, null, 'method.type');
  }
  const lines = training
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const isPair = (line: string) => {
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      return Array.isArray(value.preferred_output) && Array.isArray(value.non_preferred_output);
    } catch {
      return false;
    }
  };
  if (!lines.every(isPair)) {
    return errorReply(
      400,
      'A dpo job needs a training file of preference pairs (input, preferred_output, non_preferred_output).',
      'invalid_training_file',
      'training_file',
    );
  }
  return 'dpo';
}

function epochsOf(body: Record<string, unknown>): number | null {
  const method = body.method as MethodBody | undefined;
  const legacy = body.hyperparameters as { n_epochs?: unknown } | undefined;
  const epochs =
    method?.supervised?.hyperparameters?.n_epochs ??
    method?.dpo?.hyperparameters?.n_epochs ??
    legacy?.n_epochs ??
    body.n_epochs;
  return typeof epochs === 'number' ? epochs : null;
}

function openAIJob(job: SimJob) {
  const n_epochs = job.n_epochs ?? 'auto';
  const hyperparameters = { n_epochs, batch_size: 'auto', learning_rate_multiplier: 'auto' };
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.base_model,
    created_at: job.created_at,
    finished_at: job.finished_at,
    fine_tuned_model: job.fine_tuned_model,
    organization_id: 'org-tunegate-sim',
    result_files: [],
    status: OPENAI_STATUS[job.stage],
    training_file: job.training_file,
    validation_file: job.validation_file,
    hyperparameters,
    method:
      job.method === 'dpo'
        ? { type: 'dpo', dpo: { hyperparameters } }
        : { type: 'supervised', supervised: { hyperparameters } },
    trained_tokens: null,
    error: job.error,
    seed: 0,
    suffix: job.suffix,
    metadata: job.metadata,
    estimated_finish: null,
    integrations: null,
  };
}

/** Azure OpenAI's job: OpenAI's shape, without metadata, with the suffix as given. */
function azureJob(job: SimJob) {
  const { metadata: _none, suffix, ...rest } = openAIJob(job);
  return { ...rest, user_provided_suffix: suffix };
}

function fireworksJob(job: SimJob, steps: number) {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  const last = job.events.at(-1);
  return {
    name: job.id,
    displayName: job.suffix ?? '',
    createTime: iso(job.created_at),
    ...(job.finished_at === null ? {} : { completedTime: iso(job.finished_at) }),
    updateTime: iso(last?.created_at ?? job.created_at),
    dataset: job.training_file,
    ...(job.validation_file === null ? {} : { evaluationDataset: job.validation_file }),
    state: FIREWORKS_STATE[job.stage],
    status: job.error ? { code: 'INVALID_ARGUMENT', message: job.error.message } : { code: 'OK', message: '' },
    createdBy: `sim@${job.id.split('/')[1] ?? 'tunegate'}`,
    baseModel: job.base_model,
    outputModel: job.output_model,
    ...(job.n_epochs === null ? {} : { epochs: job.n_epochs }),
    jobProgress: { percent: steps === 0 ? 100 : Math.round((100 * job.step) / steps), epoch: job.step },
  };
}

function togetherJob(job: SimJob, withEvents: boolean) {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  const last = job.events.at(-1);
  return {
    id: job.id,
    object: 'finetune',
    status: TOGETHER_STATUS[job.stage],
    model: job.base_model,
    // Together names the output model when the job is created.
    output_name: job.fine_tuned_model ?? `tunegate-sim/${job.base_model.split('/').at(-1)}-${job.suffix ?? 'model'}`,
    training_file: job.training_file,
    validation_file: job.validation_file,
    n_epochs: job.n_epochs,
    suffix: job.suffix,
    created_at: iso(job.created_at),
    updated_at: iso(last?.created_at ?? job.created_at),
    ...(withEvents
      ? {
          events: job.events.map((event) => ({
            object: 'fine-tune-event',
            created_at: iso(event.created_at),
            level: event.level,
            message: event.message,
            type: 'message',
          })),
        }
      : {}),
  };
}
