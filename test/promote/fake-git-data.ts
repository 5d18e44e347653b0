import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the GitHub REST endpoints a pull-request promotion uses, on a loopback port: get a branch
 * ref, create a ref, get and put file contents on a branch, open and list pull requests. Each branch
 * holds its own copy of the files; answers follow GitHub's shapes and status codes.
 */
export interface FakeRepo {
  url: string;
  owner: string;
  repo: string;
  branches: Map<string, { sha: string; files: Map<string, string> }>;
  pulls: { number: number; title: string; head: string; base: string; body: string; html_url: string }[];
  requests: { method: string; path: string; body?: unknown; authorization?: string }[];
  /** Answer every request with this status (e.g. 403 for a read-only token). */
  failWith?: number;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

export async function startFakeRepo(owner: string, repo: string, files: Record<string, string>): Promise<FakeRepo> {
  const state: FakeRepo = {
    url: '',
    owner,
    repo,
    branches: new Map([['main', { sha: sha('initial'), files: new Map(Object.entries(files)) }]]),
    pulls: [],
    requests: [],
    close: async () => undefined,
  };
  const prefix = `/repos/${owner}/${repo}`;

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text === '' ? undefined : JSON.parse(text);
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://fake');
    state.requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      ...(body === undefined ? {} : { body }),
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    if (!request.headers.authorization) return send(response, 401, { message: 'Requires authentication' });
    if (state.failWith) return send(response, state.failWith, { message: 'Resource not accessible by integration' });
    if (!url.pathname.startsWith(`${prefix}/`)) return notFound(response);
    const rest = url.pathname.slice(prefix.length);

    const ref = /^\/git\/ref\/heads\/(.+)$/.exec(rest);
    if (ref && method === 'GET') {
      const name = decodeURIComponent(ref[1] ?? '');
      const branch = state.branches.get(name);
      if (!branch) return notFound(response);
      return send(response, 200, { ref: `refs/heads/${name}`, object: { type: 'commit', sha: branch.sha } });
    }
    if (rest === '/git/refs' && method === 'POST') {
      const name = String(body.ref).replace(/^refs\/heads\//, '');
      if (state.branches.has(name))
        return send(response, 422, { message: 'Reference already exists', documentation_url: DOCS });
      const from = [...state.branches.values()].find((branch) => branch.sha === body.sha);
      if (!from) return send(response, 422, { message: 'Object does not exist' });
      state.branches.set(name, { sha: body.sha, files: new Map(from.files) });
      return send(response, 201, { ref: body.ref, object: { type: 'commit', sha: body.sha } });
    }
    const contents = /^\/contents\/(.+)$/.exec(rest);
    if (contents) {
      const filePath = contents[1]?.split('/').map(decodeURIComponent).join('/') ?? '';
      if (method === 'GET') {
        const branch = state.branches.get(url.searchParams.get('ref') ?? 'main');
        const file = branch?.files.get(filePath);
        if (file === undefined) return notFound(response);
        const content = Buffer.from(file)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n');
        return send(response, 200, { type: 'file', path: filePath, sha: blobSha(file), encoding: 'base64', content });
      }
      if (method === 'PUT') {
        const branch = state.branches.get(body.branch ?? 'main');
        if (!branch) return notFound(response);
        const current = branch.files.get(filePath);
        if (current !== undefined && body.sha !== blobSha(current)) {
          return send(response, 409, { message: `${filePath} does not match ${body.sha ?? 'no sha'}` });
        }
        if (current === undefined && body.sha !== undefined) return notFound(response);
        const next = Buffer.from(body.content, 'base64').toString('utf8');
        branch.files.set(filePath, next);
        branch.sha = sha(`${branch.sha}${body.message}${next}`);
        return send(response, current === undefined ? 201 : 200, {
          content: { path: filePath, sha: blobSha(next) },
          commit: { sha: branch.sha, message: body.message },
        });
      }
    }
    if (rest === '/pulls' && method === 'POST') {
      if (!state.branches.has(body.head) || !state.branches.has(body.base)) {
        return send(response, 422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] });
      }
      if (state.pulls.some((pull) => pull.head === body.head && pull.base === body.base)) {
        return send(response, 422, {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${owner}:${body.head}.`,
            },
          ],
        });
      }
      const number = state.pulls.length + 1;
      const pull = {
        number,
        title: body.title,
        head: body.head,
        base: body.base,
        body: body.body,
        html_url: `https://github.com/${owner}/${repo}/pull/${number}`,
      };
      state.pulls.push(pull);
      return send(response, 201, pull);
    }
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const listed = state.pulls.filter((pull) => head === null || `${owner}:${pull.head}` === head);
      return send(response, 200, listed);
    }
    return notFound(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return state;
}

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Git's blob id, as GitHub reports a file's sha. */
function blobSha(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function notFound(response: ServerResponse) {
  send(response, 404, { message: 'Not Found', documentation_url: DOCS });
}

function send(response: ServerResponse, status: number, json: unknown) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(json));
}
