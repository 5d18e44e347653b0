/** What a server said about its rate limits in one response's headers. */
export interface RateLimitWindow {
  /** Requests (or tokens) left before the limit is reached. */
  remaining: number;
  /** Time until the limit is back to its full value. */
  resetMs: number;
}

export interface RateLimitState {
  requests?: RateLimitWindow;
  tokens?: RateLimitWindow;
}

/** Waits longer than this are not honoured as told (a broken header must not stall a run for hours). */
export const MAX_HONOURED_WAIT_MS = 60_000;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 1e-6 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;

/**
 * A reset time as OpenAI sends it, in Go's duration format (`1s`, `6m0s`, `20ms`, `1m30.5s`), or a plain
 * number of seconds. Null when the text is neither.
 */
export function parseDurationMs(text: string): number | null {
  const value = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (!DURATION.test(value)) return null;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(DURATION_PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}

function readWindow(headers: Headers, kind: 'requests' | 'tokens'): RateLimitWindow | undefined {
  const remainingText = headers.get(`x-ratelimit-remaining-${kind}`);
  const resetText = headers.get(`x-ratelimit-reset-${kind}`);
  if (remainingText === null || resetText === null) return undefined;
  const remaining = Number(remainingText);
  const resetMs = parseDurationMs(resetText);
  if (!Number.isFinite(remaining) || resetMs === null) return undefined;
  return { remaining, resetMs };
}

/** The `x-ratelimit-remaining-*` / `x-ratelimit-reset-*` pairs of a response, when the server sends them. */
export function readRateLimit(headers: Headers): RateLimitState | undefined {
  const requests = readWindow(headers, 'requests');
  const tokens = readWindow(headers, 'tokens');
  if (!requests && !tokens) return undefined;
  return { ...(requests ? { requests } : {}), ...(tokens ? { tokens } : {}) };
}

/** How long the server asks us to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
export function readRetryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const millis = headers.get('retry-after-ms');
  if (millis !== null && Number.isFinite(Number.parseFloat(millis))) return Math.max(0, Number.parseFloat(millis));
  const after = headers.get('retry-after');
  if (after === null) return undefined;
  const seconds = Number(after.trim());
  if (after.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `x-should-retry: true|false`, the server's own word on whether a failed request is worth repeating. */
export function readShouldRetry(headers: Headers): boolean | undefined {
  const value = headers.get('x-should-retry');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
