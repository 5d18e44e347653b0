import type { CaseRecord } from '../engine/types.js';
import type { Scorer } from './scorer.js';
import type { ScoredRecord } from './types.js';

/** A record that has no output to score: the call failed for good. */
export function isErrorRecord(record: CaseRecord): boolean {
  return record.error !== null || record.output === null;
}

/**
 * Scores one record with every scorer. An error record is never correct and gets no scores (its
 * `error` says why). `correct` needs every scorer to pass.
 */
export async function scoreRecord(
  record: CaseRecord,
  scorers: Scorer[],
  fields: Record<string, unknown>,
): Promise<ScoredRecord> {
  const labelScorer = scorers.find((scorer) => scorer.labelsOf !== undefined);
  const output = isErrorRecord(record) ? null : record.output;
  if (output === null) {
    const scored: ScoredRecord = { ...record, correct: false, scores: [] };
    if (labelScorer?.labelsOf !== undefined) {
      scored.predicted_label = null;
      scored.expected_label = labelScorer.labelsOf({
        output: '',
        expected: record.expected,
        input: record.input,
        fields,
      }).expected;
    }
    return scored;
  }
  const ctx = { output, expected: record.expected, input: record.input, fields };
  const scores = await Promise.all(scorers.map((scorer) => scorer.score(ctx)));
  const scored: ScoredRecord = { ...record, correct: scores.every((score) => score.pass), scores };
  if (labelScorer?.labelsOf !== undefined) {
    const labels = labelScorer.labelsOf(ctx);
    scored.predicted_label = labels.predicted;
    scored.expected_label = labels.expected;
  }
  return scored;
}
