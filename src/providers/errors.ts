import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { readRateLimit, readRetryAfterMs, readShouldRetry } from './rate-limit.js';
import { ProviderError, type RetryHints } from './types.js';

type Kind = ProviderError['kind'];

export function kindOfStatus(status: number): Kind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 400 || status === 404 || status === 422) return 'bad_request';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'unknown';
}

/** OpenAI echoes a masked key in 401 messages ("Incorrect API key provided: sk-ab***yz"); drop those too. */
const ECHOED_KEY = /(api key provided:\s*)\S+/gi;
const KEY_LIKE = /\bsk-[\w*-]{4,}/g;

/**
 * Drops every secret from a message: as is, and as it reads inside JSON text (a server echoing a
 * request header in its error body). Longer secrets first, so one holding another goes whole.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let clean = message.replace(ECHOED_KEY, '$1[redacted]').replace(KEY_LIKE, '[redacted]');
  const forms = secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  for (const form of forms.sort((a, b) => b.length - a.length)) {
    if (form !== '') clean = clean.replaceAll(form, '[redacted]');
  }
  return clean;
}

interface ErrorContext {
  provider: string;
  attempts: number;
  /** Keys that must never appear in a message. */
  secrets: readonly string[];
  /** True once the response arrived and its body is being read (a failure then is a broken stream). */
  reading: boolean;
}

/** Maps whatever the SDK threw to a ProviderError with a stable kind and the server's retry hints. */
export function toProviderError(error: unknown, context: ErrorContext): ProviderError {
  const tries = context.attempts === 1 ? '1 attempt' : `${context.attempts} attempts`;
  const make = (kind: Kind, detail: string, status?: number, hints?: RetryHints) =>
    new ProviderError(
      kind,
      redact(`provider "${context.provider}": ${detail} (after ${tries})`, context.secrets),
      status,
      context.attempts,
      hints,
    );

  if (error instanceof APIUserAbortError) return make('unknown', 'request aborted');
  if (error instanceof APIConnectionTimeoutError) return make('timeout', 'request timed out');
  if (error instanceof APIConnectionError) return make('connection', `connection failed: ${causeOf(error)}`);
  if (error instanceof APIError && typeof error.status === 'number') {
    return make(kindOfStatus(error.status), error.message, error.status, hintsOf(error.headers));
  }
  const message = error instanceof Error ? error.message : String(error);
  if (context.reading) return make('connection', `response stream broke: ${message}`);
  return make('unknown', message);
}

function hintsOf(headers: Headers | undefined): RetryHints {
  if (!headers) return {};
  const retryAfterMs = readRetryAfterMs(headers);
  const shouldRetry = readShouldRetry(headers);
  const rateLimit = readRateLimit(headers);
  return {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(shouldRetry === undefined ? {} : { shouldRetry }),
    ...(rateLimit ? { rateLimit } : {}),
  };
}

function causeOf(error: APIConnectionError): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message : error.message;
}
