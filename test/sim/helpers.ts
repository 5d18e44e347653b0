import { fileURLToPath } from 'node:url';

export const BANKING_200 = fileURLToPath(new URL('../fixtures/sim/banking77-200.jsonl', import.meta.url));
export const SNIPS_10 = fileURLToPath(new URL('../fixtures/sim/snips-10.jsonl', import.meta.url));

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
}

export function chat(model: string, content: string, extra: Partial<ChatBody> = {}): ChatBody {
  return { model, messages: [{ role: 'user', content }], ...extra };
}

/** POSTs a chat completion without any SDK; returns status, headers and the raw text. */
export async function post(
  baseUrl: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The assistant's text of a non-streaming completion. */
export async function answerOf(baseUrl: string, body: ChatBody): Promise<string> {
  const { status, text } = await post(baseUrl, body);
  if (status !== 200) throw new Error(`status ${status}: ${text}`);
  return JSON.parse(text).choices[0].message.content;
}

/** The JSON payloads of an SSE body, and whether it ended with [DONE]. */
export function parseSse(text: string): { events: Record<string, unknown>[]; done: boolean } {
  const payloads = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  const done = payloads.at(-1) === '[DONE]';
  const events = payloads.filter((p) => p !== '[DONE]').map((p) => JSON.parse(p) as Record<string, unknown>);
  return { events, done };
}
