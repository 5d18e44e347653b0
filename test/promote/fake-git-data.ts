import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

/**
 * A fake of the GitHub REST endpoints a pull-request promotion uses, on a loopback port: branch refs
 * (get, create, move), file contents on a ref, the Git Data API (commits and trees, so several files
 * change in one commit), and pull requests. Answers follow GitHub's shapes and status codes.
 */
export interface FakeRepo {
  url: string;
  owner: string;
  repo: string;
  /** Each branch's head commit and the files it holds. */
  branches: Map<string, { sha: string; files: Map<string, string> }>;
  commits: Map<string, FakeCommit>;
  pulls: { number: number; title: string; head: string; base: string; body: string; html_url: string }[];
  requests: { method: string; path: string; body?: unknown; authorization?: string }[];
  /** Answer every request with this status (e.g. 403 for a read-only token). */
  failWith?: number;
  close(): Promise<void>;
}

export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  files: Map<string, string>;
}

const DOCS = 'https://docs.github.com/rest';

export async function startFakeRepo(owner: string, repo: string, files: Record<string, string>): Promise<FakeRepo> {
  const initial = makeCommit('initial', [], new Map(Object.entries(files)));
  const trees = new Map<string, Map<string, string>>([[initial.tree, initial.files]]);
  const state: FakeRepo = {
    url: '',
    owner,
    repo,
    branches: new Map([['main', { sha: initial.sha, files: initial.files }]]),
    commits: new Map([[initial.sha, initial]]),
    pulls: [],
    requests: [],
    close: async () => undefined,
  };
  const prefix = `/repos/${owner}/${repo}`;
  const moveBranch = (name: string, sha: string) => {
    const commit = state.commits.get(sha) as FakeCommit;
    state.branches.set(name, { sha, files: commit.files });
  };

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

    const ref = /^\/git\/refs?\/heads\/(.+)$/.exec(rest);
    if (ref && method === 'GET' && rest.startsWith('/git/ref/')) {
      const name = decodeURIComponent(ref[1] ?? '');
      const branch = state.branches.get(name);
      if (!branch) return notFound(response);
      return send(response, 200, { ref: `refs/heads/${name}`, object: { type: 'commit', sha: branch.sha } });
    }
    if (ref && method === 'PATCH' && rest.startsWith('/git/refs/')) {
      const name = decodeURIComponent(ref[1] ?? '');
      const branch = state.branches.get(name);
      if (!branch) return send(response, 422, { message: 'Reference does not exist' });
      const next = state.commits.get(body.sha);
      if (!next) return send(response, 422, { message: 'Object does not exist' });
      if (!body.force && !next.parents.includes(branch.sha)) {
        return send(response, 422, { message: 'Update is not a fast forward' });
      }
      moveBranch(name, next.sha);
      return send(response, 200, { ref: `refs/heads/${name}`, object: { type: 'commit', sha: next.sha } });
    }
    if (rest === '/git/refs' && method === 'POST') {
      const name = String(body.ref).replace(/^refs\/heads\//, '');
      if (state.branches.has(name))
        return send(response, 422, { message: 'Reference already exists', documentation_url: DOCS });
      if (!state.commits.has(body.sha)) return send(response, 422, { message: 'Object does not exist' });
      moveBranch(name, body.sha);
      return send(response, 201, { ref: body.ref, object: { type: 'commit', sha: body.sha } });
    }
    const commitPath = /^\/git\/commits\/([0-9a-f]+)$/.exec(rest);
    if (commitPath && method === 'GET') {
      const commit = state.commits.get(commitPath[1] ?? '');
      if (!commit) return notFound(response);
      return send(response, 200, {
        sha: commit.sha,
        message: commit.message,
        tree: { sha: commit.tree },
        parents: commit.parents.map((sha) => ({ sha })),
      });
    }
    if (rest === '/git/trees' && method === 'POST') {
      const baseFiles = body.base_tree ? trees.get(body.base_tree) : new Map<string, string>();
      if (!baseFiles) return send(response, 422, { message: 'Invalid base_tree' });
      const next = new Map(baseFiles);
      for (const entry of body.tree as { path: string; mode: string; type: string; content?: string }[]) {
        if (entry.type !== 'blob' || entry.mode !== '100644' || typeof entry.content !== 'string') {
          return send(response, 422, { message: `unsupported tree entry for ${entry.path}` });
        }
        next.set(entry.path, entry.content);
      }
      const tree = treeSha(next);
      trees.set(tree, next);
      return send(response, 201, { sha: tree });
    }
    if (rest === '/git/commits' && method === 'POST') {
      const files = trees.get(body.tree);
      if (!files) return send(response, 422, { message: 'Tree not found' });
      if (!(body.parents as string[]).every((parent) => state.commits.has(parent))) {
        return send(response, 422, { message: 'Parent commit not found' });
      }
      const commit = makeCommit(body.message, body.parents, files);
      state.commits.set(commit.sha, commit);
      return send(response, 201, { sha: commit.sha, tree: { sha: commit.tree }, message: commit.message });
    }
    const contents = /^\/contents\/(.+)$/.exec(rest);
    if (contents && method === 'GET') {
      const filePath = contents[1]?.split('/').map(decodeURIComponent).join('/') ?? '';
      const branch = state.branches.get(url.searchParams.get('ref') ?? 'main');
      const file = branch?.files.get(filePath);
      if (file === undefined) return notFound(response);
      const content = Buffer.from(file)
        .toString('base64')
        .replace(/(.{60})/g, '$1\n');
      return send(response, 200, { type: 'file', path: filePath, sha: blobSha(file), encoding: 'base64', content });
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
  const listening = await listenOnLoopback(server);
  state.url = listening.origin;
  state.close = listening.close;
  return state;
}

function makeCommit(message: string, parents: string[], files: Map<string, string>): FakeCommit {
  const tree = treeSha(files);
  return { sha: sha(`${tree}${parents.join(',')}${message}`), tree, parents, message, files };
}

function treeSha(files: Map<string, string>): string {
  return sha(JSON.stringify([...files].sort(([a], [b]) => a.localeCompare(b))));
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
