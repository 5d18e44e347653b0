import type { RateLimitState } from './rate-limit.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** temperature, max_tokens, top_p, seed, response_format... passed through. */
  params: Record<string, unknown>;
}

export interface TokenUsage {
  prompt: number;
  completion: number;
  /** Cached prompt tokens (a subset of `prompt`). */
  cached: number;
}

export interface ChatResult {
  text: string;
  /** null when the server returned no usage. */
  usage: TokenUsage | null;
  /** Wall time of the call, including retries' final attempt only. */
  latency_ms: number;
  /** Time to the first content chunk when streaming. */
  ttft_ms?: number;
  /** Number of attempts made (1 = no retry). */
  attempts: number;
  /** True when the server says it is the tunegate simulator. */
  simulated: boolean;
  /** The server's rate-limit headers on this response, when it sends them. */
  rateLimit?: RateLimitState;
}

export interface ModelClient {
  /**
   * Resolves with the completion or rejects with a ProviderError. Clients from `createModelClient` retry;
   * those from `createAttemptClient` make one attempt and leave retries to the caller.
   */
  complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
}

/** What the server said about retrying a failed request. */
export interface RetryHints {
  /** `retry-after-ms` / `retry-after`. */
  retryAfterMs?: number;
  /** `x-should-retry`. */
  shouldRetry?: boolean;
  rateLimit?: RateLimitState;
}

/** A failed call. `kind` is stable; `hints` carry what the server said about trying again. */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'auth' | 'bad_request' | 'unknown',
    message: string,
    readonly status?: number,
    readonly attempts = 1,
    readonly hints: RetryHints = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
