import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { field, notAccessible, notFound, send, unprocessable } from './fake-github-http.js';

/**
 * The git database of the fake: blobs, trees, commits and branch refs, answered through the REST
 * endpoints `git/blobs`, `git/trees`, `git/commits`, `git/ref(s)` as GitHub answers them (201 on
 * create, 404 for an unknown object or ref, 422 for a ref that exists or a push that is not a fast
 * forward). One repository: the owner and name in the path are not checked.
 */
export interface FakeGitStore {
  /** The files of a branch's head commit (path → text), or undefined when the branch does not exist. */
  branchFiles(branch: string): Map<string, string> | undefined;
  /** Creates or moves a branch to a new commit holding exactly `files`; returns the commit sha. */
  seedBranch(branch: string, files: Record<string, string>, message?: string): string;
  /** Commit messages of a branch, newest first. */
  log(branch: string): string[];
  /** The branch's head commit, or undefined when it does not exist. */
  head(branch: string): string | undefined;
  /** Called before a ref is moved: lets a test move the branch under a writer, as a concurrent run would. */
  beforeRefUpdate?: (branch: string) => void;
}

interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

interface Commit {
  tree: string;
  parents: string[];
  message: string;
}

const DOCS = 'https://docs.github.com/rest/git';

export class GitStore implements FakeGitStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  beforeRefUpdate?: (branch: string) => void;

  branchFiles(branch: string): Map<string, string> | undefined {
    const head = this.refs.get(`refs/heads/${branch}`);
    if (head === undefined) return undefined;
    const commit = this.commits.get(head) as Commit;
    const files = new Map<string, string>();
    for (const [path, sha] of this.flatten(commit.tree)) files.set(path, this.blobs.get(sha)?.toString('utf8') ?? '');
    return files;
  }

  seedBranch(branch: string, files: Record<string, string>, message = 'seed'): string {
    const flat = new Map(Object.entries(files).map(([path, text]) => [path, this.addBlob(Buffer.from(text))]));
    const parent = this.refs.get(`refs/heads/${branch}`);
    const sha = this.addCommit({ tree: this.buildTree(flat), parents: parent ? [parent] : [], message });
    this.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  head(branch: string): string | undefined {
    return this.refs.get(`refs/heads/${branch}`);
  }

  log(branch: string): string[] {
    const messages: string[] = [];
    let sha = this.refs.get(`refs/heads/${branch}`);
    while (sha !== undefined) {
      const commit = this.commits.get(sha) as Commit;
      messages.push(commit.message);
      sha = commit.parents[0];
    }
    return messages;
  }

  addBlob(content: Buffer): string {
    const sha = gitHash('blob', content);
    this.blobs.set(sha, content);
    return sha;
  }

  addCommit(commit: Commit): string {
    const sha = gitHash('commit', Buffer.from(JSON.stringify([commit, this.commits.size])));
    this.commits.set(sha, commit);
    return sha;
  }

  /** Every file under a tree: full path → blob sha. */
  flatten(treeSha: string, prefix = ''): Map<string, string> {
    const files = new Map<string, string>();
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = prefix + entry.path;
      if (entry.type === 'blob') files.set(path, entry.sha);
      else for (const [inner, sha] of this.flatten(entry.sha, `${path}/`)) files.set(inner, sha);
    }
    return files;
  }

  /** Nested trees for a flat list of files; returns the root tree's sha. */
  buildTree(files: Map<string, string>): string {
    const here = new Map<string, TreeEntry>();
    const folders = new Map<string, Map<string, string>>();
    for (const [path, sha] of files) {
      const slash = path.indexOf('/');
      if (slash < 0) here.set(path, { path, mode: '100644', type: 'blob', sha });
      else {
        const folder = path.slice(0, slash);
        if (!folders.has(folder)) folders.set(folder, new Map());
        folders.get(folder)?.set(path.slice(slash + 1), sha);
      }
    }
    for (const [folder, inner] of folders) {
      here.set(folder, { path: folder, mode: '040000', type: 'tree', sha: this.buildTree(inner) });
    }
    const entries = [...here.values()].sort((a, b) => a.path.localeCompare(b.path));
    const sha = gitHash('tree', Buffer.from(JSON.stringify(entries)));
    this.trees.set(sha, entries);
    return sha;
  }
}

function gitHash(type: string, content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

const GIT_PATH = /^\/repos\/([^/]+)\/([^/]+)\/git\/(blobs|trees|commits|refs|ref)(?:\/(.+))?$/;

/**
 * Answers a git database request, or returns false when the path is not one. `failure` 403 refuses
 * writes (a token with `contents: read`), 404 answers everything (a token that cannot see the repository).
 */
export function routeGit(
  store: GitStore,
  base: string,
  method: string,
  pathname: string,
  body: unknown,
  response: ServerResponse,
  failure: 403 | 404 | undefined,
): boolean {
  const match = GIT_PATH.exec(pathname);
  if (!match) return false;
  answerGit(store, base, method, match, body, response, failure);
  return true;
}

function answerGit(
  store: GitStore,
  base: string,
  method: string,
  match: RegExpExecArray,
  body: unknown,
  response: ServerResponse,
  failure: 403 | 404 | undefined,
) {
  const [, owner = '', repo = '', kind = '', rawRest] = match;
  const rest = rawRest === undefined ? undefined : decodeURIComponent(rawRest);
  const api = `${base}/repos/${owner}/${repo}/git`;
  if (failure === 404) return notFound(response);
  if (failure === 403 && method !== 'GET') return notAccessible(response, DOCS);

  if (kind === 'blobs' && method === 'POST' && rest === undefined) {
    const content = field(body, 'content');
    if (typeof content !== 'string') return unprocessable(response, 'Invalid request.', DOCS);
    const encoding = field(body, 'encoding') ?? 'utf-8';
    const sha = store.addBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
    return send(response, 201, { sha, url: `${api}/blobs/${sha}` });
  }
  if (kind === 'blobs' && method === 'GET' && rest !== undefined) {
    const blob = store.blobs.get(rest);
    if (!blob) return notFound(response);
    // GitHub wraps base64 content at 60 characters.
    const content = (blob.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return send(response, 200, {
      sha: rest,
      size: blob.length,
      url: `${api}/blobs/${rest}`,
      content,
      encoding: 'base64',
    });
  }
  if (kind === 'trees' && method === 'POST' && rest === undefined) return createTree(store, api, body, response);
  if (kind === 'trees' && method === 'GET' && rest !== undefined) {
    const entries = store.trees.get(rest);
    if (!entries) return notFound(response);
    const tree = entries.map((entry) => ({
      ...entry,
      ...(entry.type === 'blob' ? { size: store.blobs.get(entry.sha)?.length ?? 0 } : {}),
      url: `${api}/${entry.type}s/${entry.sha}`,
    }));
    return send(response, 200, { sha: rest, url: `${api}/trees/${rest}`, tree, truncated: false });
  }
  if (kind === 'commits' && method === 'POST' && rest === undefined) return createCommit(store, api, body, response);
  if (kind === 'commits' && method === 'GET' && rest !== undefined) {
    const commit = store.commits.get(rest);
    if (!commit) return notFound(response);
    return send(response, 200, commitJson(api, rest, commit));
  }
  if (kind === 'ref' && method === 'GET' && rest !== undefined) {
    const sha = store.refs.get(`refs/${rest}`);
    if (sha === undefined) return notFound(response);
    return send(response, 200, refJson(api, `refs/${rest}`, sha));
  }
  if (kind === 'refs' && method === 'POST' && rest === undefined) return createRef(store, api, body, response);
  if (kind === 'refs' && method === 'PATCH' && rest !== undefined) return updateRef(store, api, rest, body, response);
  return notFound(response);
}

function createTree(store: GitStore, api: string, body: unknown, response: ServerResponse) {
  const baseTree = field(body, 'base_tree');
  const entries = field(body, 'tree');
  if (!Array.isArray(entries)) return unprocessable(response, 'Invalid request.\n\n"tree" wasn\'t supplied.', DOCS);
  if (typeof baseTree === 'string' && !store.trees.has(baseTree))
    return unprocessable(response, 'base_tree is not a valid tree oid', DOCS);
  const files = typeof baseTree === 'string' ? store.flatten(baseTree) : new Map<string, string>();
  for (const entry of entries) {
    const path = field(entry, 'path');
    const sha = field(entry, 'sha');
    const content = field(entry, 'content');
    if (typeof path !== 'string') return unprocessable(response, 'Invalid tree info', DOCS);
    if (sha === null) files.delete(path);
    else if (typeof content === 'string') files.set(path, store.addBlob(Buffer.from(content)));
    else if (typeof sha === 'string' && store.blobs.has(sha)) files.set(path, sha);
    else return unprocessable(response, 'Invalid tree info', DOCS);
  }
  const sha = store.buildTree(files);
  const tree = (store.trees.get(sha) ?? []).map((entry) => ({ ...entry, url: `${api}/${entry.type}s/${entry.sha}` }));
  return send(response, 201, { sha, url: `${api}/trees/${sha}`, tree, truncated: false });
}

function createCommit(store: GitStore, api: string, body: unknown, response: ServerResponse) {
  const message = field(body, 'message');
  const tree = field(body, 'tree');
  const parents = field(body, 'parents') ?? [];
  if (typeof message !== 'string' || typeof tree !== 'string' || !Array.isArray(parents)) {
    return unprocessable(response, 'Invalid request.', DOCS);
  }
  if (!store.trees.has(tree)) return unprocessable(response, 'Tree SHA does not exist', DOCS);
  if (parents.some((parent) => !store.commits.has(String(parent))))
    return unprocessable(response, 'Parent SHA does not exist or is not a commit object', DOCS);
  const commit = { tree, parents: parents.map(String), message };
  const sha = store.addCommit(commit);
  return send(response, 201, commitJson(api, sha, commit));
}

function createRef(store: GitStore, api: string, body: unknown, response: ServerResponse) {
  const ref = field(body, 'ref');
  const sha = field(body, 'sha');
  if (typeof ref !== 'string' || !/^refs\/.+\/.+/.test(ref)) {
    return unprocessable(response, "Reference name must start with 'refs/' and have at least two slashes.", DOCS);
  }
  if (typeof sha !== 'string' || !store.commits.has(sha)) return unprocessable(response, 'Object does not exist', DOCS);
  if (store.refs.has(ref)) return unprocessable(response, 'Reference already exists', DOCS);
  store.refs.set(ref, sha);
  return send(response, 201, refJson(api, ref, sha));
}

function updateRef(store: GitStore, api: string, rest: string, body: unknown, response: ServerResponse) {
  const ref = `refs/${rest}`;
  const sha = field(body, 'sha');
  if (rest.startsWith('heads/')) store.beforeRefUpdate?.(rest.slice('heads/'.length));
  const current = store.refs.get(ref);
  if (current === undefined) return unprocessable(response, 'Reference does not exist', DOCS);
  if (typeof sha !== 'string' || !store.commits.has(sha)) return unprocessable(response, 'Object does not exist', DOCS);
  if (field(body, 'force') !== true && !isAncestor(store, current, sha)) {
    return unprocessable(response, 'Update is not a fast forward', DOCS);
  }
  store.refs.set(ref, sha);
  return send(response, 200, refJson(api, ref, sha));
}

function isAncestor(store: GitStore, ancestor: string, sha: string): boolean {
  const pending = [sha];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (next === ancestor) return true;
    pending.push(...(store.commits.get(next)?.parents ?? []));
  }
  return false;
}

function commitJson(api: string, sha: string, commit: Commit) {
  return {
    sha,
    url: `${api}/commits/${sha}`,
    message: commit.message,
    tree: { sha: commit.tree, url: `${api}/trees/${commit.tree}` },
    parents: commit.parents.map((parent) => ({ sha: parent, url: `${api}/commits/${parent}` })),
  };
}

function refJson(api: string, ref: string, sha: string) {
  return { ref, url: `${api}/${ref}`, object: { sha, type: 'commit', url: `${api}/commits/${sha}` } };
}
