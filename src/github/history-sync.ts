import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TunegateError } from '../errors.js';
import { appendRuns, type HistoryEntry, type ParsedHistory, parseHistory, pruneHistory } from '../history/text.js';
import { forLog } from '../report/escape.js';
import type { RunResults } from '../report/types.js';
import type { GitHubClient } from './comment.js';
import type { HistorySetting } from './constants.js';
import {
  artifactServiceAvailable,
  downloadArtifactOfRun,
  findLatestArtifact,
  uploadArtifactFiles,
} from './history-artifact.js';
import { DASHBOARD_FILE, HISTORY_FILE, readHistoryBranch, saveToHistoryBranch } from './history-branch.js';
import { log } from './log.js';

/**
 * The Action's side of the run history: before the run, a local copy of the history (from the branch or
 * the newest artifact) for the run to read and append to; after it, that copy stored back. Nothing here
 * fails the run: a history that cannot be read or stored is a warning that says what to do, and the
 * results are reported all the same.
 */

/** What the history helpers need to know about the repository and the run. */
export interface HistoryPlace {
  client: GitHubClient;
  token: string;
  owner: string;
  repo: string;
  serverUrl: string;
  /** A folder for the local copy (the runner's temp folder). */
  tempRoot: string;
  keep: number;
}

export interface SaveOptions {
  /** Renders the dashboard page from the history's text; without it the page on the branch stays as it is. */
  dashboard?: (historyText: string) => string;
}

export interface ActionHistory {
  /** The local copy the run reads and appends to. */
  path: string;
  /** Where it is kept, in words: `branch NAME` or `artifact NAME`. */
  place: string;
  /** Where the history and its dashboard can be seen, for the alert's link. */
  dashboardUrl: string | null;
  /** Stores the history the run updated (and the dashboard page); warns instead of failing. */
  save(results: RunResults, options?: SaveOptions): Promise<void>;
}

/** The history's local copy for this run, or undefined when the run keeps none (`history: none`, or unreadable). */
export async function openActionHistory(
  setting: HistorySetting,
  place: HistoryPlace,
): Promise<ActionHistory | undefined> {
  if (setting.kind === 'none') return undefined;
  const dir = await mkdtemp(join(place.tempRoot, 'tunegate-history-'));
  const path = join(dir, HISTORY_FILE);
  return setting.kind === 'branch'
    ? openBranchHistory(setting.branch, place, path)
    : openArtifactHistory(setting.name, place, dir, path);
}

async function openBranchHistory(
  branch: string,
  place: HistoryPlace,
  path: string,
): Promise<ActionHistory | undefined> {
  const target = { owner: place.owner, repo: place.repo, branch };
  let snapshot: Awaited<ReturnType<typeof readHistoryBranch>>;
  try {
    snapshot = await readHistoryBranch(place.client, target);
  } catch (error) {
    log.warning(`History not read, so drift is not measured and this run is not recorded: ${messageOf(error)}`);
    return undefined;
  }
  for (const note of snapshot.notes) log.info(`History: ${note}.`);
  if (snapshot.history !== undefined) {
    const foreign = notAHistory(parseHistory(snapshot.history, `${branch}:${snapshot.folder}${HISTORY_FILE}`));
    if (foreign) {
      log.warning(
        `History not used: ${snapshot.folder}${HISTORY_FILE} on branch ${branch} is not a tunegate history (${foreign}); it is left as it is. Name another branch with history: branch:NAME.`,
      );
      return undefined;
    }
    await writeFile(path, snapshot.history);
  }
  log.info(
    snapshot.head === null
      ? `History: branch ${branch} does not exist yet; it is created with this run's record.`
      : `History: read from branch ${branch}.`,
  );
  const folder = snapshot.folder === '' ? '' : `/${snapshot.folder.slice(0, -1)}`;
  return {
    path,
    place: `branch ${branch}`,
    dashboardUrl: `${place.serverUrl}/${place.owner}/${place.repo}/tree/${encodeURIComponent(branch)}${folder}`,
    async save(results, options = {}) {
      const local = await recordedHistory(path, results);
      if (local === undefined) return;
      const ours = entriesOfRun(parseHistory(local), results.run_id);
      try {
        const saved = await saveToHistoryBranch(
          place.client,
          target,
          (current) => {
            // Another run wrote the branch since it was read: this run's records go on top of its history.
            const text =
              current.head === snapshot.head
                ? local
                : pruneHistory(appendRuns(current.history ?? '', ours), place.keep).text;
            return { history: text, ...(options.dashboard ? { dashboard: options.dashboard(text) } : {}) };
          },
          `tunegate: record run ${results.run_id} (${results.suites.map((s) => s.name).join(', ')})`,
        );
        for (const note of saved.notes) log.info(`History: ${note}.`);
        log.info(
          `History: ${ours.length} run record(s) committed to branch ${branch}${saved.folder ? ` in ${saved.folder}` : ''} (commit ${saved.commit.slice(0, 7)}).`,
        );
      } catch (error) {
        log.warning(`History not stored (the results are reported all the same): ${messageOf(error)}`);
      }
    },
  };
}

async function openArtifactHistory(
  name: string,
  place: HistoryPlace,
  dir: string,
  path: string,
): Promise<ActionHistory | undefined> {
  if (!artifactServiceAvailable()) {
    log.warning(
      `History not kept: history: artifact needs the runner's artifact service, which is not available here.`,
    );
    return undefined;
  }
  const repository = { owner: place.owner, repo: place.repo };
  try {
    const found = await findLatestArtifact(place.client, repository, name);
    if (found) {
      await downloadArtifactOfRun(found, repository, place.token, dir);
      log.info(`History: read from artifact ${name} of run ${found.runId}.`);
    } else {
      log.info(`History: no artifact ${name} yet; this run starts it.`);
    }
  } catch (error) {
    log.warning(`History not read, so drift is not measured and this run is not recorded: ${messageOf(error)}`);
    return undefined;
  }
  return {
    path,
    place: `artifact ${name}`,
    dashboardUrl: null,
    async save(results, options = {}) {
      const local = await recordedHistory(path, results);
      if (local === undefined) return;
      const files = [path];
      if (options.dashboard) {
        await writeFile(join(dir, DASHBOARD_FILE), options.dashboard(local));
        files.push(join(dir, DASHBOARD_FILE));
      }
      try {
        await uploadArtifactFiles(name, files, dir);
        log.info(`History: stored as artifact ${name} of this run.`);
      } catch (error) {
        log.warning(`History not stored (the results are reported all the same): ${messageOf(error)}`);
      }
    },
  };
}

/** The local history after the run, or undefined (with a warning) when the run recorded nothing in it. */
async function recordedHistory(path: string, results: RunResults): Promise<string | undefined> {
  if (!results.history || results.history.appended === 0) {
    log.warning('History not stored: this run recorded nothing in it (see the history problems above).');
    return undefined;
  }
  return readFile(path, 'utf8');
}

/** The records a run appended (with their case lists), to put on top of a history another run moved on. */
export function entriesOfRun(history: ParsedHistory, runId: string): HistoryEntry[] {
  return history.runs
    .filter((run) => run.run_id === runId)
    .map((run) => ({ run, ids: history.ids.get(run.ids_hash) ?? [] }));
}

/**
 * Why a file is not a tunegate history at all (no line readable, every one corrupt), or null. Lines of a
 * newer version are a history this tunegate cannot read yet: they are kept, not refused.
 */
export function notAHistory(parsed: ParsedHistory): string | null {
  const first = parsed.problems[0];
  if (parsed.runs.length > 0 || parsed.ids.size > 0 || !first) return null;
  if (!parsed.problems.every((problem) => problem.code === 'history-corrupt')) return null;
  return `line ${first.line}: ${forLog(first.message, { singleLine: true })}`;
}

function messageOf(error: unknown): string {
  return error instanceof TunegateError || error instanceof Error ? error.message : String(error);
}
