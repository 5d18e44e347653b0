import { storedOutcomes } from '../history/select.js';
import type { ParsedHistory } from '../history/text.js';
import type { HistoryRun } from '../history/types.js';
import { readCases } from '../report/cases-file.js';
import type { RunResults } from '../report/types.js';
import type { DriftFlipCase, DriftFlips } from './drift-alert-body.js';

/** Flipped cases shown per variant and direction in an alert; the totals are always exact. */
export const FLIPS_SHOWN = 20;

/**
 * For every suite of the run that drifted: per variant, the cases answered in both runs whose outcome
 * changed between the accepted reference and this run, paired by case id from the history's bitsets.
 */
export function flipsSinceReference(
  history: ParsedHistory,
  results: RunResults,
  shown = FLIPS_SHOWN,
): Map<string, Record<string, DriftFlips>> {
  const bySuite = new Map<string, Record<string, DriftFlips>>();
  for (const suite of results.suites) {
    const against = suite.drift?.status === 'drift' ? suite.drift.against : null;
    if (!against) continue;
    const find = (runId: string) =>
      history.runs.findLast((run: HistoryRun) => run.suite === suite.name && run.run_id === runId);
    const now = find(results.run_id);
    const then = find(against.run_id);
    if (!now || !then) continue;
    const flips: Record<string, DriftFlips> = {};
    for (const name of Object.keys(suite.drift?.variants ?? {})) {
      const nowVariant = now.variants[name];
      const thenVariant = then.variants[name];
      const nowOutcomes = nowVariant && storedOutcomes(history, now, nowVariant);
      const thenOutcomes = thenVariant && storedOutcomes(history, then, thenVariant);
      if (!nowOutcomes || !thenOutcomes) continue;
      const thenIndex = new Map(thenOutcomes.ids.map((id, index) => [id, index]));
      const flip: DriftFlips = {
        right_to_wrong: [],
        wrong_to_right: [],
        right_to_wrong_total: 0,
        wrong_to_right_total: 0,
      };
      nowOutcomes.ids.forEach((id, index) => {
        const j = thenIndex.get(id);
        if (j === undefined || !nowOutcomes.answered[index] || !thenOutcomes.answered[j]) return;
        const wasRight = thenOutcomes.correct[j] === 1;
        const isRight = nowOutcomes.correct[index] === 1;
        if (wasRight && !isRight) {
          flip.right_to_wrong_total += 1;
          if (flip.right_to_wrong.length < shown) flip.right_to_wrong.push({ case_id: id });
        } else if (!wasRight && isRight) {
          flip.wrong_to_right_total += 1;
          if (flip.wrong_to_right.length < shown) flip.wrong_to_right.push({ case_id: id });
        }
      });
      flips[name] = flip;
    }
    bySuite.set(suite.name, flips);
  }
  return bySuite;
}

/** Fills in the input, expected answer and this run's answer of the listed flips from cases.jsonl. */
export async function describeFlips(
  casesPath: string,
  bySuite: Map<string, Record<string, DriftFlips>>,
): Promise<void> {
  const wanted = new Map<string, DriftFlipCase[]>();
  for (const [suite, flips] of bySuite) {
    for (const [variant, flip] of Object.entries(flips)) {
      for (const flipped of [...flip.right_to_wrong, ...flip.wrong_to_right]) {
        const key = JSON.stringify([suite, variant, flipped.case_id]);
        wanted.set(key, [...(wanted.get(key) ?? []), flipped]);
      }
    }
  }
  if (wanted.size === 0) return;
  await readCases(casesPath, (record) => {
    for (const flipped of wanted.get(JSON.stringify([record.suite, record.variant, record.case_id])) ?? []) {
      flipped.input = record.input;
      flipped.expected = record.expected;
      flipped.output = record.error ? null : record.output;
    }
  });
}
