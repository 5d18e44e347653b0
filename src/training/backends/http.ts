import { ExitCode, TunegateError } from '../../errors.js';
import { stripControl } from '../../report/escape.js';

/** The parts of an HTTP answer the backends read. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or a multipart form (fetch sets its content type). */
  body?: string | FormData;
}

/**
 * One request through `fetch` (the caller's, for tests), read in full. A connection failure becomes a
 * TunegateError naming `what` and the endpoint without its query (which may carry a secret).
 */
export async function sendRequest(
  request: HttpRequest,
  what: string,
  code: string,
  fetchImpl: typeof fetch = fetch,
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error;
    throw new TunegateError(code, `could not reach ${what} at ${redactUrl(request.url)}: ${String(reason)}`, {
      exitCode: ExitCode.runtime,
      cause: error,
    });
  }
  const text = await response.text();
  return { status: response.status, ok: response.ok, text, json: parseJsonBody(text) };
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The URL without credentials, query or fragment: safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * A short, printable account of an error answer: its `message` field (top level, as GitHub and Google-style
 * APIs answer, or under `error`, as Azure does), or the start of its body.
 */
export function answerDetail(answer: HttpAnswer): string {
  const body = answer.json as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = body?.message ?? body?.error?.message;
  if (typeof message === 'string' && message !== '') return stripControl(message, { singleLine: true });
  const text = stripControl(answer.text.trim().replace(/\s+/g, ' '));
  if (text === '') return 'no body';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
