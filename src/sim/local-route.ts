import type { ServerResponse } from 'node:http';
import type { LocalClassifier } from '../training/local/model.js';
import { type SimChatRequest, toChatMessages } from './chat-body.js';

/**
 * The real route of the built-in server: `local:` models answered by their trained classifier. Nothing
 * here is simulated, so no response carries the simulator header and no fault or rate limit applies.
 */

/** Classifiers by model id (`local:<hex>`), loaded before the server starts. */
export type LocalModels = ReadonlyMap<string, LocalClassifier>;

/** OpenAI's rule of thumb, about four characters of English per token: usage costs no tokenizer. */
const CHARS_PER_TOKEN = 4;
/** Chat framing per message, as tokenizers count it (role and separators). */
const FRAMING_TOKENS = 3;

function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function usageOf(messages: { content: string }[], answer: string) {
  const prompt = messages.reduce((sum, message) => sum + FRAMING_TOKENS + estimateTokens(message.content), 0);
  const completion = Math.max(1, estimateTokens(answer));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** What the classifier reads: the last user message (as training read its rows), else nothing. */
function classifiedText(messages: { role: string; content: string }[]): string {
  return messages.findLast((message) => message.role === 'user')?.content ?? '';
}

export interface LocalAnswer {
  status: number;
  body: unknown;
}

/** A 404 as the real API words it for a model it does not have. */
export function localNotFound(model: string): LocalAnswer {
  const message = `The model \`${model}\` does not exist: no local model file has this id; run \`tunegate train\` to make it.`;
  return {
    status: 404,
    body: { error: { message, type: 'invalid_request_error', param: null, code: 'model_not_found' } },
  };
}

/** The chat completion of a `local:` model, or its 404; `id` names the completion. */
export function answerLocal(
  models: LocalModels,
  request: SimChatRequest & { model: string; messages: unknown[] },
  id: string,
): LocalAnswer {
  const classifier = models.get(request.model);
  if (!classifier) return localNotFound(request.model);
  const messages = toChatMessages(request.messages);
  const text = classifier.predict(classifiedText(messages));
  const envelope = {
    id,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: 'tunegate-local',
  };
  const choices = [
    { index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null },
  ];
  return { status: 200, body: { ...envelope, object: 'chat.completion', choices, usage: usageOf(messages, text) } };
}

/** Writes the answer at once: as JSON, or for a streamed request as the SSE chunks the real API sends. */
export function sendLocal(res: ServerResponse, answer: LocalAnswer, request: SimChatRequest): void {
  if (res.destroyed) return;
  const { choices, usage, ...envelope } = answer.body as {
    choices?: { message: { content: string } }[];
    usage?: unknown;
  };
  if (request.stream !== true || answer.status !== 200 || !choices) {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
    return;
  }
  const includeUsage = (request.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const event = (payload: object) =>
    `data: ${JSON.stringify({ ...envelope, object: 'chat.completion.chunk', ...payload })}\n\n`;
  const chunk = (delta: object, finish: string | null) =>
    event({
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
  let text = chunk({ role: 'assistant', content: '' }, null);
  text += chunk({ content: choices[0]?.message.content ?? '' }, null);
  text += chunk({}, 'stop');
  if (includeUsage) text += event({ choices: [], usage });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.end(`${text}data: [DONE]\n\n`);
}

/** `GET /v1/models/{id}` of a `local:` model: the model object, or its 404. */
export function retrieveLocal(models: LocalModels, id: string): LocalAnswer {
  if (!models.has(id)) return localNotFound(id);
  return { status: 200, body: { id, object: 'model', created: 0, owned_by: 'tunegate-local' } };
}
