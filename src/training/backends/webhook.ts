import { createHmac } from 'node:crypto';
import { ExitCode, TunegateError } from '../../errors.js';
import type { FineTuneBackend, JobStatus, TrainingJob, TrainingJobSpec } from '../../providers/fine-tune-types.js';
import type { TrainingBackendSpec } from '../../suite/types.js';
import { answerDetail, type HttpAnswer, redactUrl, sendRequest } from './http.js';
import { jobData, receiverJob, type TrainingDataUploader } from './training-data.js';

export type WebhookSpec = Extract<TrainingBackendSpec, { type: 'webhook' }>;

export interface WebhookOptions {
  fetch?: typeof fetch;
  /** Uploads a training set too large to send inline (the Action's workflow artifacts). */
  uploadData?: TrainingDataUploader;
}

/** Characters of gzip+base64 data sent inline; receivers must accept bodies a little larger than this. */
export const WEBHOOK_INLINE_LIMIT = 4 * 1024 * 1024;

export const SIGNATURE_HEADER = 'X-Tunegate-Signature';

const CODE = 'training-backend';
const STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dispatched'];

/** `sha256=<hex>`: the HMAC-SHA256 of the exact body bytes, as the receiver recomputes it. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs the training job as JSON to a URL the team runs, with the training data in it (inline, or a
 * download URL; see training-data.ts) and an `Idempotency-Key` header. The receiver answers with `{ id, status, url,
 * status_url }` (all optional); when it gives a `status_url`, status() asks it, else the job stays
 * `dispatched` and the receiver owns it.
 */
export function createWebhookBackend(
  spec: WebhookSpec,
  env: Record<string, string | undefined>,
  options: WebhookOptions = {},
): FineTuneBackend {
  const endpoint = redactUrl(spec.url);
  // Status URLs given by start(), by job id: they last as long as this backend object.
  const statusUrls = new Map<string, string>();

  return {
    name: 'webhook',

    async start(job: TrainingJobSpec): Promise<TrainingJob> {
      const data = await jobData(job, {
        inlineLimit: WEBHOOK_INLINE_LIMIT,
        uploader: options.uploadData,
        where: 'a webhook body',
      });
      const body = JSON.stringify({
        event: 'tunegate.train',
        job: receiverJob(job, data),
        idempotency_key: job.idempotency_key,
      });
      const headers: Record<string, string> = {
        ...spec.headers,
        'content-type': 'application/json',
        'idempotency-key': job.idempotency_key,
      };
      if (spec.secret_env) {
        const secret = env[spec.secret_env];
        if (!secret) {
          throw new TunegateError(
            CODE,
            `set ${spec.secret_env} to the secret that signs webhook bodies (training.backend.secret_env names it)`,
            { exitCode: ExitCode.usage },
          );
        }
        headers[SIGNATURE_HEADER.toLowerCase()] = signBody(body, secret);
      }
      const answer = await sendRequest(
        { method: 'POST', url: spec.url, headers, body },
        'the training webhook',
        CODE,
        options.fetch,
      );
      if (!answer.ok) throw webhookError(endpoint, answer);
      const reply = asObject(answer.json);
      const id = textField(reply.id) ?? job.idempotency_key;
      const statusUrl = textField(reply.status_url);
      if (statusUrl) statusUrls.set(id, new URL(statusUrl, spec.url).toString());
      return {
        backend: 'webhook',
        id,
        status: jobStatus(reply.status, endpoint) ?? 'dispatched',
        ...urlField(reply.url),
        events: [{ at: new Date().toISOString(), message: `sent the job to ${endpoint} (${answer.status})` }],
      };
    },

    async status(id: string): Promise<TrainingJob> {
      const statusUrl = statusUrls.get(id);
      if (!statusUrl) {
        return {
          backend: 'webhook',
          id,
          status: 'dispatched',
          events: [
            {
              at: new Date().toISOString(),
              message: `the receiver at ${endpoint} owns this job and gave no status URL`,
            },
          ],
        };
      }
      const answer = await sendRequest(
        { method: 'GET', url: statusUrl, headers: { ...spec.headers, accept: 'application/json' } },
        "the training webhook's status URL",
        CODE,
        options.fetch,
      );
      if (!answer.ok) throw webhookError(redactUrl(statusUrl), answer);
      const reply = asObject(answer.json);
      return {
        backend: 'webhook',
        id,
        status: jobStatus(reply.status, redactUrl(statusUrl)) ?? 'dispatched',
        ...modelField(reply.model),
        ...urlField(reply.url),
        events: events(reply.events),
      };
    },
  };
}

function webhookError(endpoint: string, answer: HttpAnswer): TunegateError {
  const auth = answer.status === 401 || answer.status === 403;
  const advice = auth ? '; check training.backend.headers and secret_env against what the receiver expects' : '';
  return new TunegateError(
    CODE,
    `the training webhook ${endpoint} answered ${answer.status} (${answerDetail(answer)})${advice}`,
    {
      exitCode: auth ? ExitCode.usage : ExitCode.runtime,
    },
  );
}

function asObject(json: unknown): Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

function textField(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function urlField(value: unknown): { url?: string } {
  const url = textField(value);
  return url ? { url } : {};
}

function modelField(value: unknown): { model?: string } {
  const model = textField(value);
  return model ? { model } : {};
}

function jobStatus(value: unknown, endpoint: string): JobStatus | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (STATUSES as readonly string[]).includes(value)) return value as JobStatus;
  throw new TunegateError(
    CODE,
    `${endpoint} answered status ${JSON.stringify(value)}; expected one of ${STATUSES.join(', ')}`,
    { exitCode: ExitCode.runtime },
  );
}

function events(value: unknown): TrainingJob['events'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((event) => {
    if (typeof event === 'string') return [{ at: new Date().toISOString(), message: event }];
    const record = asObject(event);
    const message = textField(record.message);
    return message ? [{ at: textField(record.at) ?? new Date().toISOString(), message }] : [];
  });
}
