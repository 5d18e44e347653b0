import { ExitCode, TunegateError } from '../errors.js';
import type { GitHubClient } from './comment.js';
import { githubMessageOf, httpStatusOf } from './http-status.js';

/**
 * The run history and its dashboard, kept as files on a branch through the git database API (blobs,
 * trees, commits, refs), the way github-action-benchmark keeps its data on gh-pages. Guarantees:
 * - a branch that does not exist is created as an orphan holding only tunegate's files;
 * - a branch that holds anything else is never changed outside a `tunegate/` folder, and a `tunegate/`
 *   folder tunegate did not write is refused, with nothing written;
 * - both files land in one commit, which only ever fast-forwards the branch: when another run moved the
 *   branch meanwhile, the files are read again and the update is redone on top of it;
 * - a token that may not write gets a message naming the permission to add (`contents: write`).
 */

export const HISTORY_FILE = 'history.jsonl';
export const DASHBOARD_FILE = 'index.html';
/** Where tunegate's files go on a branch that holds other files too. */
export const SHARED_BRANCH_FOLDER = 'tunegate/';
const OWN_FILES = new Set([HISTORY_FILE, DASHBOARD_FILE]);

/**
 * GitHub warns about files over 50 MiB and refuses pushes of files over 100 MiB; a history that big is
 * years of runs of many suites, and `history-keep` is the way back under the bound.
 */
export const HISTORY_SIZE_LIMIT_BYTES = 50 * 1024 * 1024;

export interface BranchTarget {
  owner: string;
  repo: string;
  branch: string;
}

/** What the branch holds now. */
export interface BranchSnapshot {
  /** The head commit, or null when the branch does not exist yet. */
  head: string | null;
  /** Tree of the head commit, kept as the base of the next tree so other files stay as they are. */
  tree: string | null;
  /** '' on a branch of tunegate's own, `tunegate/` on a branch that holds other files. */
  folder: '' | typeof SHARED_BRANCH_FOLDER;
  /** The history file's text; undefined when there is none yet. */
  history: string | undefined;
  /** What the log should say about the branch (e.g. that the files go into a folder). */
  notes: string[];
}

export interface BranchFiles {
  history: string;
  /** The dashboard page; left as it is on the branch when undefined. */
  dashboard?: string;
}

export interface SavedBranch {
  commit: string;
  folder: BranchSnapshot['folder'];
  created: boolean;
  notes: string[];
}

interface TreeItem {
  path?: string;
  type?: string;
  sha?: string | null;
}

/** Reads the branch: whether it exists, where tunegate's files are on it, and the history's text. */
export async function readHistoryBranch(client: GitHubClient, target: BranchTarget): Promise<BranchSnapshot> {
  try {
    const head = await headOf(client, target);
    if (head === null) return { head: null, tree: null, folder: '', history: undefined, notes: [] };
    const { data: commit } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      owner: target.owner,
      repo: target.repo,
      commit_sha: head,
    });
    const root = await treeItems(client, target, commit.tree.sha);
    const rootNames = root.map((item) => item.path ?? '');
    if (rootNames.includes(HISTORY_FILE) && rootNames.every((name) => OWN_FILES.has(name))) {
      const history = await blobText(
        client,
        target,
        root.find((item) => item.path === HISTORY_FILE),
      );
      return { head, tree: commit.tree.sha, folder: '', history, notes: [] };
    }
    const folderName = SHARED_BRANCH_FOLDER.slice(0, -1);
    const folder = root.find((item) => item.path === folderName);
    if (folder?.type === 'tree' && folder.sha) {
      const inside = await treeItems(client, target, folder.sha);
      const strangers = inside.map((item) => item.path ?? '').filter((name) => !OWN_FILES.has(name));
      if (strangers.length > 0) throw foreignFolder(target, strangers);
      const history = await blobText(
        client,
        target,
        inside.find((item) => item.path === HISTORY_FILE),
      );
      return { head, tree: commit.tree.sha, folder: SHARED_BRANCH_FOLDER, history, notes: [] };
    }
    if (folder) throw foreignFolder(target, [folderName]);
    return {
      head,
      tree: commit.tree.sha,
      folder: SHARED_BRANCH_FOLDER,
      history: undefined,
      notes: [
        `branch ${target.branch} holds other files; tunegate keeps its history in ${SHARED_BRANCH_FOLDER} there and changes nothing else`,
      ],
    };
  } catch (error) {
    throw explainBranchError(error, target, 'read');
  }
}

/**
 * Writes the files onto the branch in one commit on top of `snapshot.head` (creating the branch when it
 * does not exist). Returns null when the branch moved since the snapshot was read, so the caller can
 * read it again and redo its update.
 */
export async function writeHistoryBranch(
  client: GitHubClient,
  target: BranchTarget,
  snapshot: BranchSnapshot,
  files: BranchFiles,
  message: string,
): Promise<string | null> {
  const size = Buffer.byteLength(files.history);
  if (size > HISTORY_SIZE_LIMIT_BYTES) throw tooLarge(target, size);
  try {
    const repo = { owner: target.owner, repo: target.repo };
    const entries = [{ name: HISTORY_FILE, text: files.history }];
    if (files.dashboard !== undefined) entries.push({ name: DASHBOARD_FILE, text: files.dashboard });
    const tree = [];
    for (const entry of entries) {
      // A blob first: a tree with inline content is limited in size, a blob up to 100 MiB.
      const { data: blob } = await client.request('POST /repos/{owner}/{repo}/git/blobs', {
        ...repo,
        content: Buffer.from(entry.text).toString('base64'),
        encoding: 'base64',
      });
      tree.push({ path: snapshot.folder + entry.name, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
    }
    const { data: newTree } = await client.request('POST /repos/{owner}/{repo}/git/trees', {
      ...repo,
      tree,
      ...(snapshot.tree ? { base_tree: snapshot.tree } : {}),
    });
    const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', {
      ...repo,
      message,
      tree: newTree.sha,
      parents: snapshot.head ? [snapshot.head] : [],
    });
    try {
      if (snapshot.head === null) {
        await client.request('POST /repos/{owner}/{repo}/git/refs', {
          ...repo,
          ref: `refs/heads/${target.branch}`,
          sha: commit.sha,
        });
      } else {
        await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
          ...repo,
          ref: `heads/${target.branch}`,
          sha: commit.sha,
          force: false,
        });
      }
    } catch (error) {
      // Another run created or moved the branch since it was read.
      if (httpStatusOf(error) === 422 && /already exists|not a fast forward/i.test(githubMessageOf(error))) return null;
      throw error;
    }
    return commit.sha;
  } catch (error) {
    throw explainBranchError(error, target, 'write');
  }
}

/**
 * Reads the branch, lets `update` compose the files from the history found there, and writes them;
 * when another run moved the branch in between, reads and composes again (a few times at most).
 */
export async function saveToHistoryBranch(
  client: GitHubClient,
  target: BranchTarget,
  update: (current: BranchSnapshot) => BranchFiles | Promise<BranchFiles>,
  message: string,
  attempts = 3,
): Promise<SavedBranch> {
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readHistoryBranch(client, target);
    const commit = await writeHistoryBranch(client, target, snapshot, await update(snapshot), message);
    if (commit !== null) {
      return { commit, folder: snapshot.folder, created: snapshot.head === null, notes: snapshot.notes };
    }
    if (attempt >= attempts) {
      throw new TunegateError(
        'history-branch-busy',
        `branch ${target.branch} kept moving while tunegate wrote its history (${attempts} attempts); other runs are writing it at the same time. Give the workflow a concurrency group, or run it again.`,
        { exitCode: ExitCode.runtime },
      );
    }
  }
}

async function headOf(client: GitHubClient, target: BranchTarget): Promise<string | null> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      owner: target.owner,
      repo: target.repo,
      ref: `heads/${target.branch}`,
    });
    return data.object.sha;
  } catch (error) {
    if (httpStatusOf(error) === 404) return null;
    throw error;
  }
}

async function treeItems(client: GitHubClient, target: BranchTarget, sha: string): Promise<TreeItem[]> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
    owner: target.owner,
    repo: target.repo,
    tree_sha: sha,
  });
  return data.tree;
}

async function blobText(client: GitHubClient, target: BranchTarget, item: TreeItem | undefined) {
  if (!item?.sha) return undefined;
  const { data } = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
    owner: target.owner,
    repo: target.repo,
    file_sha: item.sha,
  });
  return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
}

function foreignFolder(target: BranchTarget, names: string[]): TunegateError {
  return new TunegateError(
    'history-branch-foreign',
    `branch ${target.branch} has a ${SHARED_BRANCH_FOLDER} folder with files tunegate did not write (${names.slice(0, 5).join(', ')}); nothing was written to it. Name another branch with the input history: branch:NAME.`,
    { exitCode: ExitCode.runtime },
  );
}

function tooLarge(target: BranchTarget, size: number): TunegateError {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return new TunegateError(
    'history-size',
    `the history would grow to ${mib(size)}, above the ${mib(HISTORY_SIZE_LIMIT_BYTES)} tunegate writes to branch ${target.branch} (GitHub refuses files over 100 MiB); nothing was written. Lower history-keep (runs kept per suite).`,
    { exitCode: ExitCode.runtime },
  );
}

export const CONTENTS_PERMISSION_HINT = 'add to the workflow:\n  permissions:\n    contents: write';

function explainBranchError(error: unknown, target: BranchTarget, doing: 'read' | 'write'): TunegateError {
  if (error instanceof TunegateError) return error;
  const where = `${target.owner}/${target.repo}@${target.branch}`;
  const status = httpStatusOf(error);
  // GitHub answers 404 instead of 403 where the token may not see the repository at all.
  if (status === 403 || (status === 404 && doing === 'write')) {
    return new TunegateError(
      'history-permission',
      `the token cannot ${doing} the history branch ${target.branch}; ${CONTENTS_PERMISSION_HINT}\n(GitHub answered ${status} for ${where}: ${githubMessageOf(error)})`,
      { exitCode: ExitCode.runtime, cause: error },
    );
  }
  const statusText = status === undefined ? '' : ` (HTTP ${status})`;
  return new TunegateError(
    'history-branch-failed',
    `could not ${doing} the history branch ${where}${statusText}: ${githubMessageOf(error)}`,
    { exitCode: ExitCode.runtime, cause: error },
  );
}
