import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { getOctokit } from '@actions/github';
import { afterEach } from 'vitest';
import { listenOnLoopback } from '../loopback.js';
import { type FakeGitStore, GitStore, routeGit } from './fake-github-git.js';
import { notAccessible, notFound, readJson, send, sendPage, userJson } from './fake-github-http.js';
import { type FakeIssue, type FakeLabel, routeIssues } from './fake-github-issues.js';

export type { FakeGitStore } from './fake-github-git.js';
export type { FakeIssue, FakeLabel } from './fake-github-issues.js';

/** An issue comment as the fake stores it; seed the map directly to simulate existing comments. */
export interface FakeComment {
  id: number;
  issue_number: number;
  body: string;
  /** The author; `type` defaults to Bot for a login ending in `[bot]`, else User. */
  user: { login: string; type?: 'User' | 'Bot' };
  created_at?: string;
  updated_at?: string;
}

/** Who a token writes as. */
export interface FakeUser {
  /** The login REST shows on the user's comments (`name[bot]` for a bot). */
  login: string;
  type: 'User' | 'Bot';
  /** The login GraphQL's `viewer` answers, when it differs (a bot may be named without `[bot]`). */
  viewerLogin?: string;
}

/** The workflow's bot, the author of what a GITHUB_TOKEN writes. */
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
/** A second user of the repository, who can post comments carrying tunegate's marker. */
export const MALLORY: FakeUser = { login: 'mallory', type: 'User' };

export interface FakeRequest {
  method: string;
  /** Path with query string, e.g. `/repos/o/r/issues/1/comments?per_page=100&page=2`. */
  path: string;
  body?: unknown;
}

export interface FakeGitHubOptions {
  /**
   * Make the comment endpoints fail: 403 refuses writes (a read-only token can still list comments),
   * 404 and 500 answer every comment request.
   */
  failComments?: 403 | 404 | 500;
  /** Who each token is; a token not listed writes as the Actions bot. */
  users?: Record<string, FakeUser>;
  /**
   * Whether a token may edit comments other users wrote (a token with write access to the repository can);
   * when false, such an edit is refused with 403.
   */
  editOthersComments?: boolean;
  /** `unavailable` answers GraphQL with 404, like a server without it. */
  graphql?: 'viewer' | 'unavailable';
  /** Make the git database fail: 403 refuses writes (`contents: read`), 404 answers everything. */
  failGit?: 403 | 404;
  /** 403 refuses writes to issues and labels (a token without `issues: write`). */
  failIssues?: 403;
  /** 403 refuses the artifact list (a token without `actions: read`). */
  failArtifacts?: 403;
}

export interface FakeGitHub {
  /** Base URL without a trailing slash, usable as GITHUB_API_URL or Octokit's `baseUrl`. */
  url: string;
  comments: Map<number, FakeComment>;
  issues: Map<number, FakeIssue>;
  labels: Map<string, FakeLabel>;
  git: FakeGitStore;
  /** Workflow artifacts of earlier runs, as listed by `GET /repos/{owner}/{repo}/actions/artifacts`. */
  artifacts: FakeArtifact[];
  requests: FakeRequest[];
  close(): Promise<void>;
}

export interface FakeArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  run_id: number;
}

/** The login GitHub shows for comments written with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = ACTIONS_BOT.login;

const DOCS = 'https://docs.github.com/rest/issues/comments';
const FIRST_COMMENT_ID = 2_000_000_000;

/**
 * A fake of the few GitHub endpoints tunegate uses, on a loopback port: list (paginated, with a `Link`
 * header), create and update issue comments, each owned by the token's user; issues and labels; the
 * git database (blobs, trees, commits, branch refs); and GraphQL's `viewer`. Anything else answers 404
 * like GitHub does.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const comments = new Map<number, FakeComment>();
  const issues = new Map<number, FakeIssue>();
  const labels = new Map<string, FakeLabel>();
  const git = new GitStore();
  const artifacts: FakeArtifact[] = [];
  const requests: FakeRequest[] = [];
  let url = '';

  const server = createServer((request, response) => {
    readJson(request).then(
      (body) => {
        const path = request.url ?? '/';
        requests.push({ method: request.method ?? 'GET', path, ...(body === undefined ? {} : { body }) });
        route({ comments, issues, labels, git, artifacts, options, url }, request, path, body, response);
      },
      () =>
        send(response, 400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' }),
    );
  });
  const listening = await listenOnLoopback(server);
  url = listening.origin;

  return {
    url,
    comments,
    issues,
    labels,
    git,
    artifacts,
    requests,
    close: listening.close,
  };
}

interface FakeState {
  comments: Map<number, FakeComment>;
  issues: Map<number, FakeIssue>;
  labels: Map<string, FakeLabel>;
  git: GitStore;
  artifacts: FakeArtifact[];
  options: FakeGitHubOptions;
  url: string;
}

const LIST_OR_CREATE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const UPDATE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;

/** The user of the request's token (`token X` or `bearer X`); undefined without one. */
function requestUser(state: FakeState, request: IncomingMessage): FakeUser | undefined {
  const token = /^(?:token|bearer)\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return undefined;
  return state.options.users?.[token] ?? ACTIONS_BOT;
}

function graphql(state: FakeState, user: FakeUser | undefined, body: unknown, response: ServerResponse) {
  if (!user) return send(response, 401, { message: 'This endpoint requires you to be authenticated.' });
  if (state.options.graphql === 'unavailable') return notFound(response);
  const query = typeof body === 'object' && body !== null && 'query' in body ? String(body.query) : '';
  if (!/\bviewer\s*\{\s*login\s*\}/.test(query)) {
    return send(response, 200, { errors: [{ message: 'the fake answers only { viewer { login } }' }] });
  }
  return send(response, 200, { data: { viewer: { login: user.viewerLogin ?? user.login } } });
}

function route(state: FakeState, request: IncomingMessage, path: string, body: unknown, response: ServerResponse) {
  const requestUrl = new URL(path, state.url);
  const method = request.method ?? 'GET';
  const user = requestUser(state, request);
  if (requestUrl.pathname === '/graphql' && method === 'POST') return graphql(state, user, body, response);
  if (requestUrl.pathname.startsWith('/repos/') && !user) {
    return send(response, 401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
  }
  if (user && routeGit(state.git, state.url, method, requestUrl.pathname, body, response, state.options.failGit))
    return;
  if (user && method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts$/.test(requestUrl.pathname)) {
    if (state.options.failArtifacts === 403)
      return notAccessible(response, 'https://docs.github.com/rest/actions/artifacts');
    return listArtifacts(state, requestUrl, response);
  }
  if (user && routeIssues(state, state.url, method, requestUrl, user, body, response, state.options.failIssues)) return;
  const listOrCreate = LIST_OR_CREATE.exec(requestUrl.pathname);
  const update = UPDATE.exec(requestUrl.pathname);
  const isComments = (listOrCreate && (method === 'GET' || method === 'POST')) || (update && method === 'PATCH');
  if (!isComments) return notFound(response);
  if (!user) {
    return send(response, 401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
  }
  const failure = state.options.failComments;
  if (failure === 404) return notFound(response);
  if (failure === 500) return send(response, 500, { message: 'Server Error' });
  if (failure === 403 && method !== 'GET') {
    return send(response, 403, {
      message: 'Resource not accessible by integration',
      documentation_url: DOCS,
      status: '403',
    });
  }

  if (listOrCreate) {
    const [, owner = '', repo = '', issue = ''] = listOrCreate;
    const repoPath = { owner, repo };
    if (method === 'GET') return listComments(state, requestUrl, repoPath, Number(issue), response);
    const text = bodyText(body);
    if (text === undefined) return missingBody(response);
    const now = new Date().toISOString();
    const comment: FakeComment = {
      id: nextId(state.comments),
      issue_number: Number(issue),
      body: text,
      user: { login: user.login, type: user.type },
      created_at: now,
      updated_at: now,
    };
    state.comments.set(comment.id, comment);
    return send(response, 201, toJson(state.url, repoPath, comment));
  }

  const [, owner = '', repo = '', id = ''] = update ?? [];
  const comment = state.comments.get(Number(id));
  if (!comment) return notFound(response);
  if (comment.user.login !== user.login && !state.options.editOthersComments) {
    return send(response, 403, { message: 'Forbidden', documentation_url: DOCS, status: '403' });
  }
  const text = bodyText(body);
  if (text === undefined) return missingBody(response);
  comment.body = text;
  comment.updated_at = new Date().toISOString();
  return send(response, 200, toJson(state.url, { owner, repo }, comment));
}

/** Newest first, filtered by `name`, in GitHub's `{ total_count, artifacts }` envelope. */
function listArtifacts(state: FakeState, requestUrl: URL, response: ServerResponse) {
  const name = requestUrl.searchParams.get('name');
  const artifacts = state.artifacts
    .filter((artifact) => name === null || artifact.name === name)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map((artifact) => ({
      id: artifact.id,
      name: artifact.name,
      expired: artifact.expired,
      created_at: artifact.created_at,
      size_in_bytes: 1024,
      workflow_run: { id: artifact.run_id },
    }));
  return send(response, 200, { total_count: artifacts.length, artifacts });
}

function listComments(
  state: FakeState,
  requestUrl: URL,
  repoPath: { owner: string; repo: string },
  issueNumber: number,
  response: ServerResponse,
) {
  const all = [...state.comments.values()].filter((c) => c.issue_number === issueNumber).sort((a, b) => a.id - b.id);
  return sendPage(response, state.url, requestUrl, all, (comment) => toJson(state.url, repoPath, comment));
}

function toJson(base: string, repoPath: { owner: string; repo: string }, comment: FakeComment) {
  const repoApi = `${base}/repos/${repoPath.owner}/${repoPath.repo}`;
  const created = comment.created_at ?? '2026-01-01T00:00:00Z';
  const isBot = (comment.user.type ?? (comment.user.login.endsWith('[bot]') ? 'Bot' : 'User')) === 'Bot';
  return {
    id: comment.id,
    node_id: `IC_fake${comment.id}`,
    url: `${repoApi}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${repoPath.owner}/${repoPath.repo}/pull/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${repoApi}/issues/${comment.issue_number}`,
    body: comment.body,
    user: userJson({ login: comment.user.login, type: isBot ? 'Bot' : 'User' }),
    created_at: created,
    updated_at: comment.updated_at ?? created,
    author_association: isBot ? 'NONE' : 'MEMBER',
  };
}

function nextId(comments: Map<number, FakeComment>): number {
  return Math.max(FIRST_COMMENT_ID, ...comments.keys()) + 1;
}

function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('body' in body)) return undefined;
  return typeof body.body === 'string' ? body.body : undefined;
}

function missingBody(response: ServerResponse) {
  send(response, 422, {
    message: 'Invalid request.\n\n"body" wasn\'t supplied.',
    documentation_url: DOCS,
    status: '422',
  });
}

/**
 * A fake per test, closed after it: `start(options)` gives the fake and an Octokit client of `token`
 * pointed at it.
 */
export function fakeGitHubPerTest(token = 'test-token') {
  const fakes: FakeGitHub[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  return async (options?: FakeGitHubOptions) => {
    const fake = await startFakeGitHub(options);
    fakes.push(fake);
    return { fake, client: getOctokit(token, { baseUrl: fake.url }) };
  };
}
