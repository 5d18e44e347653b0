import type { SimRateLimit } from './config.js';

const DEFAULT_RETRY_AFTER_MS = 1000;

/** `1s`, `340ms`, `1m30s`: the Go-style durations OpenAI sends in `x-ratelimit-reset-*`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.ceil(ms);
  if (whole < 1000) return `${whole}ms`;
  const seconds = whole / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}

/**
 * A token bucket of requests, refilled continuously at `requests_per_second` up to `burst`: a request takes
 * a token or is answered 429, as a rate-limited API does. `now` is in milliseconds (performance.now()).
 */
export class RequestBucket {
  private readonly perMs: number;
  private readonly capacity: number;
  private tokens: number;
  private updatedAt: number;
  readonly retryAfterMs: number;
  readonly sendHeaders: boolean;

  constructor(config: SimRateLimit, now: number) {
    this.perMs = config.requests_per_second / 1000;
    this.capacity = config.burst ?? Math.max(1, config.requests_per_second);
    this.tokens = this.capacity;
    this.updatedAt = now;
    this.retryAfterMs = config.retry_after_ms ?? DEFAULT_RETRY_AFTER_MS;
    this.sendHeaders = config.headers ?? true;
  }

  /** Takes a token when one is left. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The `x-ratelimit-*` headers OpenAI sends, describing the bucket after this request. */
  headers(now: number): Record<string, string> {
    if (!this.sendHeaders) return {};
    this.refill(now);
    return {
      'x-ratelimit-limit-requests': String(this.capacity),
      'x-ratelimit-remaining-requests': String(Math.floor(this.tokens)),
      'x-ratelimit-reset-requests': formatResetDuration((this.capacity - this.tokens) / this.perMs),
    };
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }
}
