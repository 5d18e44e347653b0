import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type OpenAI from 'openai';
import { APIConnectionError, APIError, APIUserAbortError, toFile } from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { ExitCode, TunegateError } from '../errors.js';
import { redact } from './errors.js';
import type { JobStatus, TrainingJob } from './fine-tune-types.js';

/** More events than any job shows; stops a misbehaving server from paging forever. */
const MAX_EVENTS = 10_000;

export interface FineTuneCallContext {
  provider: string;
  /** Keys that must never appear in a message. */
  secrets: readonly string[];
  /** Stored completions read no fine-tuning API: their 403 is about the key's permissions. */
  feature?: 'fine-tuning' | 'stored-completions';
}

/** The message the server put in its error body, without the SDK's status prefix. */
export function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' && body.message !== '' ? body.message : error.message;
}

/**
 * Maps whatever a fine-tuning call threw to a TunegateError (exit 3) with a message that says what
 * to do. A 403 means the account may not fine-tune, which is a fact to report, not a crash.
 */
export function toFineTuneError(error: unknown, what: string, context: FineTuneCallContext): TunegateError {
  if (error instanceof TunegateError) return error;
  const clean = (message: string) => redact(message, context.secrets);
  if (error instanceof APIError && error.status === 403 && context.feature === 'stored-completions') {
    return new TunegateError(
      'stored-completions-unavailable',
      clean(
        `stored completions unavailable for this key: ${serverMessage(error)}. ` +
          'Reading them needs a key with read access to chat completions.',
      ),
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  if (error instanceof APIError && error.status === 403) {
    return new TunegateError(
      'fine-tuning-unavailable',
      clean(
        `fine-tuning unavailable for this account: ${serverMessage(error)}. ` +
          'OpenAI no longer accepts new self-serve fine-tuning jobs; use another backend ' +
          '(an OpenAI-compatible provider, github-dispatch or webhook).',
      ),
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  let detail: string;
  if (error instanceof APIUserAbortError) detail = 'the request was aborted';
  else if (error instanceof APIConnectionError) detail = `could not reach the server (${error.message})`;
  else if (error instanceof APIError && typeof error.status === 'number') {
    detail = `HTTP ${error.status}: ${serverMessage(error)}`;
  } else detail = error instanceof Error ? error.message : String(error);
  return new TunegateError('fine-tune-request', clean(`provider "${context.provider}": ${what} failed: ${detail}`), {
    exitCode: ExitCode.runtime,
    cause: error,
  });
}

/** Runs one SDK call, turning any failure into a TunegateError that names the step. */
export async function fineTuneCall<T>(
  what: string,
  context: FineTuneCallContext,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toFineTuneError(error, what, context);
  }
}

/** The file at `path`, read from disk for a multipart upload. */
export function fileUpload(path: string, name = basename(path)): Promise<File> {
  return toFile(createReadStream(path), name);
}

const OPENAI_STATUS: Record<FineTuningJob['status'], JobStatus> = {
  validating_files: 'queued',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

type Call = <T>(what: string, action: () => Promise<T>) => Promise<T>;

/** A job in OpenAI's shape (OpenAI's API, Azure OpenAI's), with its events oldest first. */
export async function readOpenAIJob(
  client: OpenAI,
  call: Call,
  job: FineTuningJob,
  options: { backend: string; url?: string },
): Promise<TrainingJob> {
  const events = await call(`reading events of ${job.id}`, async () => {
    const collected: { created_at: number; message: string }[] = [];
    for await (const event of client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) {
      collected.push(event);
      if (collected.length >= MAX_EVENTS) break;
    }
    return collected;
  });
  // OpenAI lists events newest first; the stable sort keeps same-second events in their order.
  const oldestFirst = events.reverse().sort((a, b) => a.created_at - b.created_at);
  return {
    backend: options.backend,
    id: job.id,
    status: OPENAI_STATUS[job.status] ?? 'running',
    ...(job.fine_tuned_model ? { model: job.fine_tuned_model } : {}),
    ...(options.url ? { url: options.url } : {}),
    events: oldestFirst.map((event) => ({
      at: new Date(event.created_at * 1000).toISOString(),
      message: event.message,
    })),
  };
}
