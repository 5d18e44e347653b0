import type { SimFineTuning } from './config.js';
import type { SimFileStore } from './files.js';
import { hash32, key } from './hash.js';
import { cursorPage, matchesMetadata, metadataFilter } from './pages.js';

/** OpenAI's `/fine_tuning/jobs` or Together's `/fine-tunes`: same jobs, different shapes. */
export type JobApi = 'openai' | 'together';
type Stage = 'queued' | 'running' | 'succeeded' | 'failed';

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
  created_at: number;
  finished_at: number | null;
  stage: Stage;
  /** Training steps reported so far. */
  step: number;
  events: SimJobEvent[];
  fine_tuned_model: string | null;
  error: { code: string; message: string; param: string | null } | null;
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
};
const TOGETHER_STATUS: Record<Stage, string> = {
  queued: 'pending',
  running: 'running',
  succeeded: 'completed',
  failed: 'error',
};

/**
 * Simulated fine-tuning jobs. A job advances one stage each time it is retrieved — queued, running,
 * one training step per poll, succeeded — and on success its model is handed to `onTrained`, which
 * makes the chat endpoint serve it.
 */
export class SimFineTuningApi {
  private readonly jobs: SimJob[] = [];
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

  create(api: JobApi, raw: unknown): Reply {
    if (this.settings.permission_denied) {
      this.counters.permission_denied++;
      const message = 'This organization does not have access to fine-tuning (simulated permission_denied).';
      return errorReply(403, message, 'permission_denied');
    }
    const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof body.model !== 'string' || body.model === '') return errorReply(400, 'Missing `model`.', null, 'model');
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
    const metadata = body.metadata ?? null;
    if (metadata !== null && !isStringRecord(metadata)) {
      return errorReply(400, '`metadata` must map keys to strings.', null, 'metadata');
    }
    const suffix = typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : null;
    const id = api === 'openai' ? `ftjob-sim-${this.jobs.length + 1}` : `ft-sim-${this.jobs.length + 1}`;
    const job: SimJob = {
      id,
      api,
      base_model: body.model,
      suffix,
      training_file: training.id,
      validation_file: validation,
      metadata,
      n_epochs: epochsOf(body),
      created_at: now(),
      finished_at: null,
      stage: 'queued',
      step: 0,
      events: [],
      fine_tuned_model: null,
      error: null,
    };
    this.event(job, `Validating training file: ${training.id}`);
    this.event(job, 'Files validated, moving job to queued state');
    this.jobs.push(job);
    this.counters.jobs_created++;
    return { status: 200, body: this.render(job, true) };
  }

  /** The job, one stage further along. */
  retrieve(api: JobApi, id: string): Reply {
    const job = this.find(api, id);
    if (!job) return errorReply(404, `No fine-tuning job with id ${id}.`, 'fine_tune_not_found', 'id');
    this.counters.job_polls++;
    this.advance(job);
    return { status: 200, body: this.render(job, true) };
  }

  /** Newest first, filtered by `metadata[key]=value`, paginated by `after`/`limit` (OpenAI) — all jobs (Together). */
  list(api: JobApi, query: URLSearchParams): Reply {
    const filter = metadataFilter(query);
    const jobs = this.jobs
      .filter((job) => job.api === api && matchesMetadata(job.metadata, filter))
      .reverse()
      .map((job) => this.render(job, false) as { id: string });
    if (api === 'together') return { status: 200, body: { data: jobs } };
    return { status: 200, body: cursorPage(jobs, query) };
  }

  /** OpenAI's event list: newest first, paginated. */
  events(id: string, query: URLSearchParams): Reply {
    const job = this.find('openai', id);
    if (!job) return errorReply(404, `No fine-tuning job with id ${id}.`, 'fine_tune_not_found', 'id');
    const events = [...job.events].reverse().map((event) => ({
      object: 'fine_tuning.job.event',
      ...event,
      type: 'message',
      data: {},
    }));
    return { status: 200, body: cursorPage(events, query) };
  }

  private find(api: JobApi, id: string): SimJob | undefined {
    return this.jobs.find((job) => job.api === api && job.id === id);
  }

  private event(job: SimJob, message: string, level: SimJobEvent['level'] = 'info'): void {
    job.events.push({ id: `${job.id}-event-${job.events.length + 1}`, created_at: now(), level, message });
  }

  private advance(job: SimJob): void {
    if (job.stage === 'queued') {
      const examples = this.files.get(job.training_file)?.lines ?? 0;
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
    this.onTrained(model, job.base_model, bySuffix ?? this.settings.accuracy ?? DEFAULT_ACCURACY);
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
    return `tunegate-sim/${job.base_model.split('/').at(-1)}-${suffix}-${short}`;
  }

  private render(job: SimJob, withEvents: boolean): unknown {
    return job.api === 'openai' ? openAIJob(job) : togetherJob(job, withEvents);
  }
}

function epochsOf(body: Record<string, unknown>): number | null {
  const method = body.method as { supervised?: { hyperparameters?: { n_epochs?: unknown } } } | undefined;
  const legacy = body.hyperparameters as { n_epochs?: unknown } | undefined;
  const epochs = method?.supervised?.hyperparameters?.n_epochs ?? legacy?.n_epochs ?? body.n_epochs;
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
    method: { type: 'supervised', supervised: { hyperparameters } },
    trained_tokens: null,
    error: job.error,
    seed: 0,
    suffix: job.suffix,
    metadata: job.metadata,
    estimated_finish: null,
    integrations: null,
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
