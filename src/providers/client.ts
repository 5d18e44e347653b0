import OpenAI, { APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { TunegateError } from '../errors.js';
import type { ProviderSpec } from '../suite/types.js';
import { toProviderError } from './errors.js';
import { resolveHeaders } from './headers.js';
import { CALLER_SIGNAL, createKeepAliveFetch } from './http-fetch.js';
import { readRateLimit } from './rate-limit.js';
import { withRetries } from './retry.js';
import type { ChatRequest, ChatResult, ModelClient, TokenUsage } from './types.js';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Local servers (Ollama, vLLM, the simulator) take any key; the SDK insists on one. */
const NO_KEY_PLACEHOLDER = 'no-key';
/** Sent by the tunegate simulator on every response. */
export const SIMULATOR_HEADER = 'x-tunegate-simulator';

type RequestOptions = NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>;

function resolveApiKey(provider: ProviderSpec, env: Record<string, string | undefined>): string {
  if (provider.api_key_env === undefined) return NO_KEY_PLACEHOLDER;
  const key = env[provider.api_key_env];
  if (key === undefined || key === '') {
    throw new TunegateError(
      'missing-api-key',
      `Provider "${provider.name}" reads its API key from $${provider.api_key_env}, which is not set. ` +
        'Set it, or remove api_key_env if the server needs no key.',
    );
  }
  return key;
}

export function toUsage(usage: ChatCompletion['usage'] | null | undefined): TokenUsage | null {
  if (!usage) return null;
  return {
    prompt: usage.prompt_tokens,
    completion: usage.completion_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

/** An SDK client for one provider, and the secrets that must never appear in a message. */
export interface OpenAIClient {
  client: OpenAI;
  secrets: string[];
}

/**
 * The SDK client for one OpenAI-compatible endpoint: key from the provider's api_key_env, keep-alive
 * fetch (wrapped by `wrapFetch` when given). Shared by chat, fine-tuning and stored completions.
 * `maxRetries` defaults to the provider's; chat clients pass 0 and retry themselves (see retry.ts).
 */
export function createOpenAIClient(
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  wrapFetch: (send: typeof fetch) => typeof fetch = (send) => send,
  maxRetries = provider.max_retries,
): OpenAIClient {
  const apiKey = resolveApiKey(provider, env);
  const { headers, secrets } = resolveHeaders(provider, env);
  if (provider.api_version !== undefined && apiKey !== NO_KEY_PLACEHOLDER) headers['api-key'] = apiKey;
  // Every option is explicit so the SDK never falls back to OPENAI_* environment variables.
  const client = new OpenAI({
    apiKey,
    baseURL: provider.base_url ?? OPENAI_BASE_URL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    defaultHeaders: headers,
    defaultQuery: provider.api_version === undefined ? undefined : { 'api-version': provider.api_version },
    timeout: provider.timeout_ms,
    maxRetries,
    fetch: wrapFetch(createKeepAliveFetch(env)),
    logLevel: 'off',
  });
  return { client, secrets: apiKey === NO_KEY_PLACEHOLDER ? secrets : [apiKey, ...secrets] };
}

/**
 * A ModelClient over one OpenAI-compatible endpoint that makes exactly one HTTP attempt per call; failures
 * carry the server's retry hints (retry-after, rate-limit headers). The engine retries through it, so every
 * attempt passes its provider's limiter. The SDK client is built once and reused.
 */
export function createAttemptClient(provider: ProviderSpec, env: Record<string, string | undefined>): ModelClient {
  const { client, secrets } = createOpenAIClient(provider, env, undefined, 0);

  async function complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const startedAt = performance.now();
    const options: RequestOptions = signal
      ? { fetchOptions: { [CALLER_SIGNAL]: signal } as RequestOptions['fetchOptions'] }
      : {};
    const body = {
      ...request.params,
      model: request.model,
      messages: request.messages as ChatCompletionMessageParam[],
    };
    let reading = false;
    try {
      if (!provider.stream) {
        const { data, response } = await client.chat.completions
          .create({ ...body, stream: false }, options)
          .withResponse();
        return {
          text: data.choices[0]?.message?.content ?? '',
          usage: toUsage(data.usage),
          latency_ms: performance.now() - startedAt,
          attempts: 1,
          ...answerHeaders(response.headers),
        };
      }
      const streamOptions = provider.stream_usage ? { stream_options: { include_usage: true } } : {};
      const { data: stream, response } = await client.chat.completions
        .create({ ...body, ...streamOptions, stream: true }, options)
        .withResponse();
      reading = true;
      let text = '';
      let ttft: number | undefined;
      let usage: ChatCompletionChunk['usage'] = null;
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) {
          if (ttft === undefined) ttft = performance.now() - startedAt;
          text += piece;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      return {
        text,
        usage: toUsage(usage),
        latency_ms: performance.now() - startedAt,
        ...(ttft === undefined ? {} : { ttft_ms: ttft }),
        attempts: 1,
        ...answerHeaders(response.headers),
      };
    } catch (error) {
      // Aborted by the caller: the SDK, which does not know the signal, saw a broken or timed-out request.
      const cause = signal?.aborted ? new APIUserAbortError() : error;
      throw toProviderError(cause, { provider: provider.name, attempts: 1, secrets, reading });
    }
  }

  return { complete };
}

/** What a response's headers tell about the server: the simulator's mark and its rate limits. */
function answerHeaders(headers: Headers): Pick<ChatResult, 'simulated' | 'rateLimit'> {
  const rateLimit = readRateLimit(headers);
  return { simulated: headers.has(SIMULATOR_HEADER), ...(rateLimit ? { rateLimit } : {}) };
}

/** A ModelClient that retries as the provider's `max_retries` says, with backoff and jitter (see retry.ts). */
export function createModelClient(provider: ProviderSpec, env: Record<string, string | undefined>): ModelClient {
  return withRetries(createAttemptClient(provider, env), provider.max_retries);
}
