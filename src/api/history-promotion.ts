import { join } from 'node:path';
import { historyVariant, sortCaseList, sortFlags } from '../history/entry.js';
import { appendRuns, type HistoryEntry, type PruneNote, pruneHistory } from '../history/text.js';
import { CASES_FILE, readCases } from '../report/cases-file.js';
import type { RunResults } from '../report/types.js';
import { isErrorRecord } from '../scoring/record.js';
import type { FileChange } from '../training/file-change.js';
import { DEFAULT_HISTORY_KEEP, type HistoryOptions, historyRun } from './history.js';

/**
 * Per-case flags of one measured variant, by case index, read back from the run's cases.jsonl, with the
 * first error it met (what a failing model said, e.g. a 404 for a model that does not exist).
 */
export async function variantFlags(outDir: string, suite: string, variant: string, caseIds: readonly string[]) {
  const index = new Map(caseIds.map((id, i) => [id, i]));
  const correct = new Uint8Array(caseIds.length);
  const answered = new Uint8Array(caseIds.length);
  let firstError: string | undefined;
  await readCases(join(outDir, CASES_FILE), (record) => {
    if (record.suite !== suite || record.variant !== variant) return;
    const i = index.get(record.case_id);
    if (i === undefined) return;
    if (!isErrorRecord(record)) answered[i] = 1;
    else firstError ??= record.error ?? 'no answer';
    if (record.correct) correct[i] = 1;
  });
  return { correct, answered, ...(firstError === undefined ? {} : { firstError }) };
}

/**
 * A promotion as a history entry: the candidate, as the contest measured it, becomes the accepted
 * reference of the suite's fine-tuned variant (drift and `retrain` compare against it from now on).
 */
export async function promotionHistoryEntry(
  history: HistoryOptions,
  contest: { results: RunResults; outDir: string; caseIds: readonly string[] },
  promoted: { suite: string; variant: string; measuredAs: string },
): Promise<HistoryEntry | undefined> {
  const measured = contest.results.suites[0];
  const candidate = measured?.variants[promoted.measuredAs];
  if (!measured || !candidate) return undefined;
  const list = sortCaseList(contest.caseIds);
  const flags = await variantFlags(contest.outDir, measured.name, promoted.measuredAs, contest.caseIds);
  const variant = historyVariant(candidate, {
    ids: list.ids,
    correct: sortFlags(flags.correct, list),
    answered: sortFlags(flags.answered, list),
  });
  const facts = {
    run_id: contest.results.run_id,
    date: contest.results.finished_at,
    cache_mode: contest.results.cache_mode,
  };
  const run = historyRun(history, facts, {
    suite: promoted.suite,
    simulated: measured.simulated,
    accepted_reason: 'promotion',
    verdict: 'promote',
    drift: 'none',
    ids_hash: list.hash,
    variants: { [promoted.variant]: variant },
  });
  return { run, ids: list.ids };
}

/** The history file with the entry appended (pruned to `keep` runs per suite), as a change to apply. */
export function historyChange(
  history: HistoryOptions,
  entry: HistoryEntry,
  onPruned: (pruned: PruneNote[]) => void,
): FileChange {
  return {
    file: history.path,
    update: (current) => {
      const { text, pruned } = pruneHistory(appendRuns(current ?? '', [entry]), history.keep ?? DEFAULT_HISTORY_KEEP);
      onPruned(pruned);
      return text;
    },
  };
}
