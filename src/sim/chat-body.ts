import type { ChatMessage } from '../providers/types.js';
import type { SimAnswer } from './behaviour.js';

/** A chat completion request as the simulator reads it (the synchronous route and batch lines alike). */
export interface SimChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: unknown;
  temperature?: unknown;
  store?: unknown;
  metadata?: unknown;
}

/** What identifies one answered completion: OpenAI's envelope fields. */
export interface CompletionEnvelope {
  id: string;
  created: number;
  model: string;
  system_fingerprint: string;
}

/** Message content as text: a string, or the text parts of a content array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

export function toChatMessages(raw: unknown[]): ChatMessage[] {
  return raw.map((message) => {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    return { role: String(role) as ChatMessage['role'], content: contentText(content) };
  });
}

export function openAiUsage(answer: SimAnswer) {
  const { prompt, completion, cached } = answer.usage;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** The `chat.completion` object of a non-streamed answer. */
export function completionObject(envelope: CompletionEnvelope, answer: SimAnswer) {
  const message = { role: 'assistant', content: answer.text, refusal: null };
  const choices = [{ index: 0, message, finish_reason: 'stop', logprobs: null }];
  return { ...envelope, object: 'chat.completion', choices, usage: openAiUsage(answer) };
}

/** What a real API says about a model it does not serve (404 `model_not_found`). */
export function modelNotFoundMessage(model: string): string {
  return `The model \`${model}\` does not exist or you do not have access to it (simulated).`;
}

/** The request's shape problem, or null when it has a string `model` and a `messages` array. */
export function chatRequestProblem(request: SimChatRequest | null | undefined): string | null {
  if (typeof request?.model === 'string' && Array.isArray(request.messages)) return null;
  return 'The request needs a string `model` and a `messages` array.';
}
