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
}

export interface ModelClient {
  /** Resolves with the completion or rejects with a ProviderError after retries. */
  complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
}

/** A call that failed for good (after retries). `kind` is stable. */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'auth' | 'bad_request' | 'unknown',
    message: string,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
