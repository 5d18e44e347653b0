import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers and shapes shared by the fake's endpoints, as GitHub writes them. */

export const REST_DOCS = 'https://docs.github.com/rest';

export function send(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(json));
}

export function notFound(response: ServerResponse) {
  send(response, 404, { message: 'Not Found', documentation_url: REST_DOCS, status: '404' });
}

/** What GitHub answers a GITHUB_TOKEN that lacks the permission a write needs. */
export function notAccessible(response: ServerResponse, documentation = REST_DOCS) {
  send(response, 403, {
    message: 'Resource not accessible by integration',
    documentation_url: documentation,
    status: '403',
  });
}

export function unprocessable(response: ServerResponse, message: string, documentation = REST_DOCS, extra = {}) {
  send(response, 422, { message, documentation_url: documentation, status: '422', ...extra });
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** A field of a JSON request body, when the body is an object. */
export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/** A stable positive id for a login, as GitHub gives every account one. */
export function loginId(login: string): number {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 100_000_000;
  return hash + 1;
}

/** The user object GitHub puts on comments and issues. */
export function userJson(user: { login: string; type?: 'User' | 'Bot' }) {
  const type = user.type ?? (user.login.endsWith('[bot]') ? 'Bot' : 'User');
  return { login: user.login, id: loginId(user.login), type };
}

/** Sends one page of `items` with GitHub's defaults (30 per page, at most 100) and its `Link` header. */
export function sendPage<T>(
  response: ServerResponse,
  base: string,
  requestUrl: URL,
  items: T[],
  toJson: (item: T) => unknown,
) {
  const perPage = Math.min(100, Math.max(1, Number(requestUrl.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(requestUrl.searchParams.get('page') ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = linkHeader(base, requestUrl, page, lastPage);
  const pageItems = items.slice((page - 1) * perPage, page * perPage);
  return send(response, 200, pageItems.map(toJson), link ? { link } : {});
}

/** GitHub's `Link` header: next/last when there are later pages, first/prev when there are earlier ones. */
function linkHeader(base: string, requestUrl: URL, page: number, lastPage: number): string | undefined {
  const pageUrl = (target: number) => {
    const url = new URL(requestUrl.pathname + requestUrl.search, base);
    url.searchParams.set('page', String(target));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}
