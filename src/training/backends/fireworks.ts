import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode, TunegateError } from '../../errors.js';
import type { FineTuneBackend, JobStatus, TrainingJob, TrainingJobSpec } from '../../providers/fine-tune-types.js';
import { resolveHeaders } from '../../providers/headers.js';
import { keyTag } from '../../providers/key-tag.js';
import { stripControl } from '../../report/escape.js';
import type { ProviderSpec, TrainingBackendSpec } from '../../suite/types.js';
import { answerDetail, type HttpAnswer, sendRequest } from './http.js';

export type FireworksSpec = Extract<TrainingBackendSpec, { type: 'fireworks' }>;

export interface FireworksOptions {
  fetch?: typeof fetch;
  /** Waits between reads of a dataset still being processed (injected for tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** The parts of a Fireworks `SupervisedFineTuningJob` this backend reads. */
interface FireworksJob {
  name: string;
  state?: string;
  status?: { code?: string; message?: string };
  baseModel?: string;
  outputModel?: string;
  dataset?: string;
  createTime?: string;
  updateTime?: string;
  completedTime?: string;
  jobProgress?: { percent?: number; epoch?: number };
}

const CODE = 'fine-tune-request';
const DEFAULT_API_URL = 'https://api.fireworks.ai';
/** Open-weight bases Fireworks serves live under this account. */
const FIREWORKS_MODELS = 'accounts/fireworks/models/';
const DATASET_POLLS = 60;
const DATASET_POLL_MS = 2_000;

const STATUS: Record<string, JobStatus> = {
  JOB_STATE_CREATING: 'queued',
  JOB_STATE_PENDING: 'queued',
  JOB_STATE_VALIDATING: 'queued',
  JOB_STATE_CREATING_INPUT_DATASET: 'queued',
  JOB_STATE_RE_QUEUEING: 'queued',
  JOB_STATE_IDLE: 'queued',
  JOB_STATE_RUNNING: 'running',
  JOB_STATE_WRITING_RESULTS: 'running',
  JOB_STATE_COMPLETED: 'succeeded',
  JOB_STATE_EARLY_STOPPED: 'succeeded',
  JOB_STATE_FAILED: 'failed',
  JOB_STATE_EXPIRED: 'failed',
  JOB_STATE_CANCELLING: 'cancelled',
  JOB_STATE_CANCELLED: 'cancelled',
  JOB_STATE_DELETING: 'cancelled',
  JOB_STATE_DELETING_CLEANING_UP: 'cancelled',
};

/** A base as Fireworks names it: a bare model name is one of its own open-weight models. */
export function fireworksBase(model: string): string {
  return model.includes('/') ? model : `${FIREWORKS_MODELS}${model}`;
}

/** A lowercase resource id part: letters, digits and hyphens. */
function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

function toTrainingJob(job: FireworksJob): TrainingJob {
  const status = STATUS[job.state ?? ''] ?? 'running';
  const created = job.createTime ?? new Date(0).toISOString();
  const events: TrainingJob['events'] = [
    { at: created, message: `Job created: fine-tuning ${job.baseModel ?? '?'} on ${job.dataset ?? '?'}` },
  ];
  const progress = job.jobProgress;
  if (status === 'running' && progress?.percent !== undefined) {
    events.push({
      at: job.updateTime ?? created,
      message: `Training: ${progress.percent}% done${progress.epoch ? `, epoch ${progress.epoch}` : ''}`,
    });
  }
  const ended = job.completedTime ?? job.updateTime ?? created;
  if (status === 'succeeded') events.push({ at: ended, message: `New fine-tuned model created: ${job.outputModel}` });
  if (status === 'failed' || status === 'cancelled') {
    const why = job.status?.message ? `: ${stripControl(job.status.message, { singleLine: true })}` : '';
    events.push({ at: ended, message: `Job ${status}${why}` });
  }
  return {
    backend: 'fireworks',
    id: job.name.split('/').at(-1) ?? job.name,
    status,
    ...(status === 'succeeded' && job.outputModel ? { model: job.outputModel } : {}),
    events,
  };
}

/**
 * Fireworks supervised fine-tuning (REST, `/v1/accounts/{account}/…`): the training file becomes a dataset
 * (create, then `:upload`), the job a `supervisedFineTuningJob` on an open-weight base. Fireworks lets the
 * caller name both, so the idempotency key names them: a restart reads the job by that id and finds it,
 * and a dataset already uploaded is not uploaded again. The trained model is `accounts/{account}/models/…`,
 * served by the provider's inference endpoint.
 */
export function createFireworksBackend(
  spec: FireworksSpec,
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  options: FireworksOptions = {},
): FineTuneBackend {
  const keyEnv = provider.api_key_env;
  const apiKey = keyEnv === undefined ? undefined : env[keyEnv];
  if (keyEnv !== undefined && !apiKey) {
    throw new TunegateError(
      'missing-api-key',
      `provider "${provider.name}" reads its Fireworks API key from $${keyEnv}, which is not set; set it`,
    );
  }
  const { headers: extraHeaders, secrets } = resolveHeaders(provider, env);
  const apiUrl = (spec.api_url ?? (provider.base_url ? new URL(provider.base_url).origin : DEFAULT_API_URL)).replace(
    /\/+$/,
    '',
  );
  const parent = `accounts/${spec.account}`;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clean = (text: string) =>
    [...(apiKey ? [apiKey] : []), ...secrets].reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);

  function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
    const form = body instanceof FormData;
    return sendRequest(
      {
        method,
        url: `${apiUrl}/v1/${parent}/${path}`,
        headers: {
          ...extraHeaders,
          accept: 'application/json',
          // A server that needs no key (the simulator) is sent none.
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
          ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
      },
      'Fireworks',
      CODE,
      options.fetch,
    );
  }

  /** A refusal in words: what the account cannot do (401, 403, 404 per step) and what to do about it. */
  function refused(answer: HttpAnswer, what: string, base?: string): TunegateError {
    const said = clean(answerDetail(answer));
    let message = `Fireworks: ${what} failed (HTTP ${answer.status}: ${said})`;
    let code = CODE;
    if (answer.status === 401) {
      message =
        `Fireworks rejected the request's API key (${said}); set the provider's api_key_env to a variable ` +
        `holding a key of the account ${spec.account}`;
    } else if (answer.status === 403) {
      code = 'fine-tuning-unavailable';
      message =
        `the Fireworks account ${spec.account} may not fine-tune (Fireworks said: ${said}). Check that the API key ` +
        'belongs to that account and may create fine-tuning jobs, and that the account has billing set up.';
    } else if (answer.status === 404 && base !== undefined) {
      code = 'fine-tuning-unavailable';
      message =
        `Fireworks cannot fine-tune ${base} (Fireworks said: ${said}): the base model does not exist or is not ` +
        `tunable. Pick a model marked Tunable in the Fireworks model library and set training.base_model to ` +
        `${FIREWORKS_MODELS}<name>.`;
    } else if (answer.status === 404) {
      code = 'fine-tuning-unavailable';
      message =
        `Fireworks has no account ${spec.account} (Fireworks said: ${said}); set training.backend.account to the ` +
        'account id of your Fireworks dashboard (accounts/<id>), not its display name.';
    }
    return new TunegateError(code, message, { exitCode: ExitCode.runtime });
  }

  async function readJob(id: string): Promise<FireworksJob | undefined> {
    const answer = await request('GET', `supervisedFineTuningJobs/${encodeURIComponent(id)}`);
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw refused(answer, `reading fine-tuning job ${id}`);
    return answer.json as FireworksJob;
  }

  /** The dataset named `id`, created and uploaded unless an earlier start already did. */
  async function dataset(id: string, path: string): Promise<string> {
    const name = `${parent}/datasets/${id}`;
    let current = await request('GET', `datasets/${id}`);
    if (current.status === 404) {
      const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '').length;
      const created = await request('POST', 'datasets', {
        datasetId: id,
        dataset: { displayName: basename(path), exampleCount: String(lines), format: 'CHAT', userUploaded: {} },
      });
      if (!created.ok) throw refused(created, `creating dataset ${id}`);
      current = created;
    } else if (!current.ok) throw refused(current, `reading dataset ${id}`);
    if ((current.json as { state?: string }).state === 'READY') return name;
    const form = new FormData();
    form.append('file', new Blob([await readFile(path)], { type: 'application/jsonl' }), basename(path));
    const uploaded = await request('POST', `datasets/${id}:upload`, form);
    if (!uploaded.ok) throw refused(uploaded, `uploading ${basename(path)}`);
    for (let poll = 0; poll < DATASET_POLLS; poll++) {
      const read = await request('GET', `datasets/${id}`);
      if (!read.ok) throw refused(read, `reading dataset ${id}`);
      if ((read.json as { state?: string }).state === 'READY') return name;
      await sleep(DATASET_POLL_MS);
    }
    throw new TunegateError(CODE, `Fireworks: dataset ${name} is still being processed; start the job again later`, {
      exitCode: ExitCode.runtime,
    });
  }

  return {
    name: 'fireworks',
    async start(job: TrainingJobSpec): Promise<TrainingJob> {
      const jobId = keyTag(job.idempotency_key);
      const existing = await readJob(jobId);
      if (existing) return toTrainingJob(existing);
      const base = fireworksBase(job.base_model);
      const training = await dataset(`${jobId}-train`, job.training_file);
      const evaluation =
        job.validation_file === undefined ? undefined : await dataset(`${jobId}-validation`, job.validation_file);
      const modelName = `${slug(job.suffix ?? base.split('/').at(-1) ?? 'model', 40) || 'model'}-${jobId.slice(-8)}`;
      const created = await request('POST', `supervisedFineTuningJobs?supervisedFineTuningJobId=${jobId}`, {
        displayName: job.suffix ?? job.suite,
        dataset: training,
        ...(evaluation === undefined ? {} : { evaluationDataset: evaluation }),
        baseModel: base,
        outputModel: `${parent}/models/${modelName}`,
        ...(job.epochs === undefined ? {} : { epochs: job.epochs }),
      });
      // A start racing this one created the job first: it is the same job.
      if (created.status === 409) return toTrainingJob((await readJob(jobId)) as FireworksJob);
      if (!created.ok) throw refused(created, 'creating the supervised fine-tuning job', base);
      return toTrainingJob(created.json as FireworksJob);
    },
    async status(id: string): Promise<TrainingJob> {
      const job = await readJob(id);
      if (!job) {
        throw new TunegateError(CODE, `Fireworks: the account ${spec.account} has no fine-tuning job ${id}`, {
          exitCode: ExitCode.runtime,
        });
      }
      return toTrainingJob(job);
    },
    async cancel(id: string): Promise<TrainingJob> {
      const answer = await request('POST', `supervisedFineTuningJobs/${encodeURIComponent(id)}:cancel`, {});
      if (!answer.ok) throw refused(answer, `cancelling fine-tuning job ${id}`);
      return this.status(id);
    },
  };
}
