import type { ServerResponse } from 'node:http';
import { field, notAccessible, notFound, send, sendPage, unprocessable, userJson } from './fake-github-http.js';

/** An issue as the fake stores it; seed the map directly to simulate existing issues. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  user: { login: string; type?: 'User' | 'Bot' };
}

export interface FakeLabel {
  name: string;
  color: string;
  description: string | null;
}

export interface IssueStore {
  issues: Map<number, FakeIssue>;
  labels: Map<string, FakeLabel>;
}

const DOCS = 'https://docs.github.com/rest/issues/issues';
const LABEL_DOCS = 'https://docs.github.com/rest/issues/labels';
/** Issue numbers start here, clear of the pull requests tests name. */
const FIRST_ISSUE = 100;

const ISSUES = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?$/;
const LABELS = /^\/repos\/([^/]+)\/([^/]+)\/labels(?:\/([^/]+))?$/;

/**
 * Answers the issue and label endpoints (list with state/labels/creator filters, create, get, update;
 * get and create a label), or returns false when the path is not one. Creating an issue with a label
 * that does not exist creates the label, as GitHub does for a token with push access. `failure` 403
 * refuses writes (a token without `issues: write`).
 */
export function routeIssues(
  store: IssueStore,
  base: string,
  method: string,
  requestUrl: URL,
  user: { login: string; type: 'User' | 'Bot' },
  body: unknown,
  response: ServerResponse,
  failure: 403 | undefined,
): boolean {
  const issues = ISSUES.exec(requestUrl.pathname);
  const labels = LABELS.exec(requestUrl.pathname);
  if (!issues && !labels) return false;
  answerIssues(store, base, method, requestUrl, issues, labels, user, body, response, failure);
  return true;
}

function answerIssues(
  store: IssueStore,
  base: string,
  method: string,
  requestUrl: URL,
  issues: RegExpExecArray | null,
  labels: RegExpExecArray | null,
  user: { login: string; type: 'User' | 'Bot' },
  body: unknown,
  response: ServerResponse,
  failure: 403 | undefined,
) {
  const [, owner = '', repo = ''] = (issues ?? labels) as RegExpExecArray;
  const repoPath = { owner, repo, base };
  if (failure === 403 && method !== 'GET') return notAccessible(response, issues ? DOCS : LABEL_DOCS);
  if (labels) return routeLabels(store, labels[3], method, body, response);

  const number = issues?.[3] === undefined ? undefined : Number(issues[3]);
  if (number === undefined && method === 'GET') {
    const state = requestUrl.searchParams.get('state') ?? 'open';
    const wanted = (requestUrl.searchParams.get('labels') ?? '').split(',').filter(Boolean);
    const creator = requestUrl.searchParams.get('creator');
    const matching = [...store.issues.values()]
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) => wanted.every((label) => issue.labels.includes(label)))
      .filter((issue) => creator === null || issue.user.login === creator)
      .sort((a, b) => b.number - a.number);
    return sendPage(response, base, requestUrl, matching, (issue) => issueJson(store, repoPath, issue));
  }
  if (number === undefined && method === 'POST') {
    const title = field(body, 'title');
    if (typeof title !== 'string' || title === '') {
      return unprocessable(response, 'Invalid request.\n\n"title" wasn\'t supplied.', DOCS);
    }
    const names = labelNames(field(body, 'labels'));
    for (const name of names)
      if (!store.labels.has(name)) store.labels.set(name, { name, color: 'ededed', description: null });
    const issue: FakeIssue = {
      number: Math.max(FIRST_ISSUE - 1, ...store.issues.keys()) + 1,
      title,
      body: String(field(body, 'body') ?? ''),
      state: 'open',
      state_reason: null,
      labels: names,
      user: { login: user.login, type: user.type },
    };
    store.issues.set(issue.number, issue);
    return send(response, 201, issueJson(store, repoPath, issue));
  }
  const issue = number === undefined ? undefined : store.issues.get(number);
  if (!issue) return notFound(response);
  if (method === 'GET') return send(response, 200, issueJson(store, repoPath, issue));
  if (method !== 'PATCH') return notFound(response);
  const title = field(body, 'title');
  const text = field(body, 'body');
  const state = field(body, 'state');
  if (typeof title === 'string') issue.title = title;
  if (typeof text === 'string') issue.body = text;
  if (state === 'open' || state === 'closed') {
    issue.state = state;
    const reason = field(body, 'state_reason');
    issue.state_reason = state === 'closed' ? ((reason as FakeIssue['state_reason']) ?? 'completed') : 'reopened';
  }
  if (field(body, 'labels') !== undefined) issue.labels = labelNames(field(body, 'labels'));
  return send(response, 200, issueJson(store, repoPath, issue));
}

function routeLabels(
  store: IssueStore,
  rawName: string | undefined,
  method: string,
  body: unknown,
  response: ServerResponse,
) {
  if (rawName !== undefined && method === 'GET') {
    const label = store.labels.get(decodeURIComponent(rawName));
    return label ? send(response, 200, labelJson(label)) : notFound(response);
  }
  if (rawName === undefined && method === 'POST') {
    const name = field(body, 'name');
    if (typeof name !== 'string' || name === '') return unprocessable(response, 'Validation Failed', LABEL_DOCS);
    if (store.labels.has(name)) {
      return unprocessable(response, 'Validation Failed', LABEL_DOCS, {
        errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
      });
    }
    const description = field(body, 'description');
    const label = {
      name,
      color: String(field(body, 'color') ?? 'ededed'),
      description: typeof description === 'string' ? description : null,
    };
    store.labels.set(name, label);
    return send(response, 201, labelJson(label));
  }
  return notFound(response);
}

function labelNames(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels.map((label) => (typeof label === 'string' ? label : String(field(label, 'name') ?? '')));
}

function labelJson(label: FakeLabel) {
  return {
    id: label.name.length,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

function issueJson(store: IssueStore, at: { owner: string; repo: string; base: string }, issue: FakeIssue) {
  const api = `${at.base}/repos/${at.owner}/${at.repo}`;
  return {
    id: 5_000_000 + issue.number,
    node_id: `I_fake${issue.number}`,
    number: issue.number,
    url: `${api}/issues/${issue.number}`,
    html_url: `https://github.com/${at.owner}/${at.repo}/issues/${issue.number}`,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    labels: issue.labels.map((name) =>
      labelJson(store.labels.get(name) ?? { name, color: 'ededed', description: null }),
    ),
    user: userJson(issue.user),
    comments: 0,
  };
}
