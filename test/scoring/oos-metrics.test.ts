import { describe, expect, it } from 'vitest';
import { wilson } from '../../src/scoring/intervals.js';
import { createMetricsAccumulator } from '../../src/scoring/metrics.js';
import type { ScoredRecord } from '../../src/scoring/types.js';
import { caseRecord } from './records.js';

/** A labels-scored record: gold `expected`, answered `predicted` (null: the call failed). */
function answer(expected: string, predicted: string | null): ScoredRecord {
  const correct = predicted === expected;
  return {
    ...caseRecord({ expected, output: predicted, ...(predicted === null ? { error: 'timeout' } : {}) }),
    correct,
    scores: predicted === null ? [] : [{ scorer: 'labels', pass: correct, value: correct ? 1 : 0 }],
    predicted_label: predicted,
    expected_label: expected,
  };
}

function measure(task: Parameters<typeof createMetricsAccumulator>[0], records: ScoredRecord[]) {
  const accumulator = createMetricsAccumulator(task);
  for (const record of records) accumulator.add(record);
  return accumulator.finish();
}

const task = { kind: 'classification' as const, out_of_scope: 'oos' };

describe('metrics.out_of_scope', () => {
  it('counts recall, in-scope accuracy and false alarms over the answered cases', () => {
    const records = [
      answer('oos', 'oos'),
      answer('oos', 'oos'),
      answer('oos', 'balance'),
      answer('oos', null), // an error says nothing about recall
      answer('balance', 'balance'),
      answer('balance', 'oos'), // a false alarm
      answer('transfer', 'transfer'),
      answer('transfer', 'balance'),
      answer('transfer', null),
    ];
    expect(measure(task, records).out_of_scope).toEqual({
      label: 'oos',
      cases: 3,
      detected: 2,
      recall: 2 / 3,
      recall_ci: wilson(2, 3),
      in_scope_cases: 4,
      in_scope_correct: 2,
      in_scope_accuracy: 0.5,
      false_alarms: 1,
    });
  });

  it('is absent when no answered case expects the label', () => {
    const records = [answer('balance', 'oos'), answer('transfer', 'transfer'), answer('oos', null)];
    expect(measure(task, records).out_of_scope).toBeUndefined();
  });

  it('is absent when the suite names no out-of-scope label', () => {
    const records = [answer('oos', 'oos'), answer('balance', 'balance')];
    expect(measure({ kind: 'classification' }, records).out_of_scope).toBeUndefined();
  });

  it('compares the trimmed output to the label when there is no labels scorer', () => {
    const plain = (expected: string, output: string): ScoredRecord => ({
      ...caseRecord({ expected, output }),
      correct: output === expected,
      scores: [{ scorer: 'exact', pass: output === expected, value: output === expected ? 1 : 0 }],
    });
    const metrics = measure(task, [plain('oos', ' oos '), plain('oos', 'none'), plain('balance', 'oos')]);
    expect(metrics.out_of_scope).toMatchObject({ cases: 2, detected: 1, in_scope_cases: 1, false_alarms: 1 });
  });
});
