import { MAX_HONOURED_WAIT_MS } from './rate-limit.js';
import { type ChatResult, type ModelClient, ProviderError } from './types.js';

/** First backoff without a server hint, doubled per retry up to the cap (the openai SDK's own figures). */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8000;
/** A wait the server asked for is stretched by up to this share, so callers told the same time spread out. */
const RETRY_AFTER_JITTER = 0.5;

const RETRYABLE_KINDS = new Set<ProviderError['kind']>(['rate_limited', 'server_error', 'timeout', 'connection']);

/**
 * Whether one more attempt could succeed: rate limits, 5xx, 408/409, timeouts and broken connections. Bad
 * requests (400, 404, 422, context length), refused credentials (401, 403) and anything that is not a
 * ProviderError are final. The server's `x-should-retry` has the last word.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  if (error.hints.shouldRetry !== undefined) return error.hints.shouldRetry;
  return RETRYABLE_KINDS.has(error.kind) || error.status === 409;
}

/**
 * How long to wait before retry number `retry` (0-based). A wait the server asked for is honoured and never
 * shortened, only stretched by jitter; otherwise exponential backoff with jitter (half fixed, half random),
 * so clients that failed together do not come back together.
 */
export function retryDelayMs(error: unknown, retry: number, random: () => number = Math.random): number {
  const told = error instanceof ProviderError ? error.hints.retryAfterMs : undefined;
  if (told !== undefined && told <= MAX_HONOURED_WAIT_MS) return told * (1 + RETRY_AFTER_JITTER * random());
  const backoff = Math.min(BACKOFF_BASE_MS * 2 ** retry, BACKOFF_CAP_MS);
  return backoff * (0.5 + 0.5 * random());
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function attemptsOf(error: unknown): number {
  return error instanceof ProviderError ? error.attempts : 1;
}

/** The same error, counting every attempt the call made. */
export function withAttempts(error: unknown, attempts: number): unknown {
  if (!(error instanceof ProviderError) || error.attempts === attempts) return error;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const message = error.message.replace(/\(after \d+ attempts?\)$/, `(after ${tries})`);
  return new ProviderError(error.kind, message, error.status, attempts, error.hints);
}

/**
 * A client that retries `client` up to `maxRetries` times on retryable failures, waiting between attempts
 * as `retryDelayMs` says. For callers outside the engine (the engine schedules its own retries per provider).
 */
export function withRetries(client: ModelClient, maxRetries: number): ModelClient {
  return {
    async complete(request, signal): Promise<ChatResult> {
      let attempts = 0;
      for (let retry = 0; ; retry++) {
        try {
          const result = await client.complete(request, signal);
          return { ...result, attempts: attempts + result.attempts };
        } catch (error) {
          attempts += attemptsOf(error);
          if (retry >= maxRetries || !isRetryable(error) || signal?.aborted) throw withAttempts(error, attempts);
          await sleep(retryDelayMs(error, retry), signal);
        }
      }
    },
  };
}
