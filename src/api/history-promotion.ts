import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { historyVariant, sortCaseList, sortFlags } from '../history/entry.js';
import { appendHistoryFile, readHistoryFile } from '../history/store.js';
import type { PruneNote } from '../history/text.js';
import { CASES_FILE } from '../report/files.js';
import type { RunResults } from '../report/types.js';
import { isErrorRecord } from '../scoring/record.js';
import type { ScoredRecord } from '../scoring/types.js';
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
  const lines = createInterface({
    input: createReadStream(join(outDir, CASES_FILE)),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line) continue;
    const record = JSON.parse(line) as ScoredRecord;
    if (record.suite !== suite || record.variant !== variant) continue;
    const i = index.get(record.case_id);
    if (i === undefined) continue;
    if (!isErrorRecord(record)) answered[i] = 1;
    else firstError ??= record.error ?? 'no answer';
    if (record.correct) correct[i] = 1;
  }
  return { correct, answered, ...(firstError === undefined ? {} : { firstError }) };
}

/**
 * Records a promotion in the history: the candidate, as the contest measured it, becomes the accepted
 * reference of the suite's fine-tuned variant (drift and `retrain` compare against it from now on).
 */
export async function appendPromotionRun(
  history: HistoryOptions,
  contest: { results: RunResults; outDir: string; caseIds: readonly string[] },
  promoted: { suite: string; variant: string; measuredAs: string },
): Promise<PruneNote[]> {
  const measured = contest.results.suites[0];
  const candidate = measured?.variants[promoted.measuredAs];
  if (!measured || !candidate) return [];
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
  const parsed = await readHistoryFile(history.path);
  return appendHistoryFile(history.path, parsed, [{ run, ids: list.ids }], history.keep ?? DEFAULT_HISTORY_KEEP);
}
