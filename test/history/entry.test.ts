import { describe, expect, it } from 'vitest';
import { historyVariant, sortCaseList, sortFlags } from '../../src/history/entry.js';
import { parseHistory } from '../../src/history/text.js';
import { variant } from '../report/fixtures.js';
import { fragilePrompted } from '../report/fragility-fixtures.js';
import { generateHistory, historyText } from '../report/history-fixtures.js';

const ids = ['b', 'a', 'c'];
const list = sortCaseList(ids);
const outcomes = { ids: list.ids, correct: sortFlags([1, 0, 1], list), answered: sortFlags([1, 1, 1], list) };

describe('a history entry with fragility', () => {
  it('keeps the flip rate, its interval and the perturbed calls, nothing more', () => {
    const entry = historyVariant(variant({ fragility: fragilePrompted() }), outcomes);
    expect(entry.fragility).toEqual({ flip_rate: 0.124, flip_rate_ci: [0.101, 0.149], n_calls: 2400 });
    expect(entry.accuracy).toBe(0.9);
  });

  it('has no fragility field when none was measured', () => {
    const entry = historyVariant(variant(), outcomes);
    expect('fragility' in entry).toBe(false);
    expect(JSON.stringify(entry)).not.toContain('fragility');
  });

  it('reads old lines without fragility next to new lines with it', () => {
    const [old, current] = generateHistory({ seed: 3, runs: 2 });
    if (!old || !current) throw new Error('two runs expected');
    const prompted = current.variants.prompted as NonNullable<(typeof current.variants)[string]>;
    prompted.fragility = { flip_rate: 0.124, flip_rate_ci: [0.101, 0.149], n_calls: 2400 };
    const parsed = parseHistory(historyText([old, current]));
    expect(parsed.problems.filter((problem) => problem.code === 'history-corrupt')).toEqual([]);
    expect(parsed.runs.map((run) => run.variants.prompted?.fragility)).toEqual([undefined, prompted.fragility]);
  });
});
