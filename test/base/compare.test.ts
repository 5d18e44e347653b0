import { describe, expect, it } from 'vitest';
import { compareWithBase } from '../../src/decision/base-compare.js';
import { FLIPPED_CASES_KEPT } from '../../src/decision/compare.js';
import { exactMcNemar, pairedDiffInterval } from '../../src/decision/statistics.js';

const policy = { max_accuracy_loss: 0.01, confidence: 0.95 };

/**
 * Outcomes of `n` cases (ids c0…) on both sides: `bothRight` right on both, then `rightToWrong`
 * right on base only, then `wrongToRight` right on head only, the rest wrong on both.
 */
function paired(n: number, bothRight: number, rightToWrong: number, wrongToRight: number) {
  const base = new Map<string, boolean>();
  const head = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const r2w = i >= bothRight && i < bothRight + rightToWrong;
    const w2r = i >= bothRight + rightToWrong && i < bothRight + rightToWrong + wrongToRight;
    base.set(id, i < bothRight || r2w);
    head.set(id, i < bothRight || w2r);
  }
  return { base, head };
}

describe('compareWithBase', () => {
  it('flags a significant drop beyond the margin as a regression', () => {
    const { base, head } = paired(200, 160, 30, 2);
    const result = compareWithBase(head, base, 'prompted', policy);
    expect(result).toMatchObject({
      variant: 'prompted',
      n: 200,
      base_accuracy: 190 / 200,
      head_accuracy: 162 / 200,
      counts: { n11: 160, n10: 30, n01: 2, n00: 8 },
      regression: true,
      improved: false,
    });
    expect(result.diff).toBeCloseTo(-28 / 200, 12);
    const interval = pairedDiffInterval(result.counts, 0.95);
    expect(result.diff_ci).toEqual([interval.low, interval.high]);
    expect(result.diff_ci[1]).toBeLessThan(0);
    expect(result.mcnemar_p_value).toBe(exactMcNemar(30, 2).p_value);
    expect(result.flipped.right_to_wrong).toEqual(Array.from({ length: 30 }, (_, i) => `c${160 + i}`));
    expect(result.flipped.wrong_to_right).toEqual(['c190', 'c191']);
  });

  it('flags a significant gain as improved', () => {
    const { base, head } = paired(200, 150, 2, 30);
    const result = compareWithBase(head, base, 'v', policy);
    expect(result.regression).toBe(false);
    expect(result.improved).toBe(true);
    expect(result.diff_ci[0]).toBeGreaterThan(0);
  });

  it('reports neither when the flips balance out', () => {
    const { base, head } = paired(200, 150, 6, 5);
    const result = compareWithBase(head, base, 'v', policy);
    expect(result).toMatchObject({ regression: false, improved: false, counts: { n10: 6, n01: 5 } });
    expect(result.diff_ci[0]).toBeLessThan(0);
    expect(result.diff_ci[1]).toBeGreaterThan(0);
  });

  it('does not call a significant drop within the margin a regression', () => {
    // 0.6 points lower on 10,000 cases: certainly lower, but within a 1-point margin.
    const { base, head } = paired(10_000, 9_000, 60, 0);
    const strict = compareWithBase(head, base, 'v', policy);
    expect(strict.diff_ci[1]).toBeLessThan(0);
    expect(strict.regression).toBe(false);
    const noMargin = compareWithBase(head, base, 'v', { max_accuracy_loss: 0, confidence: 0.95 });
    expect(noMargin.regression).toBe(true);
  });

  it('pairs only the case ids present on both sides', () => {
    const base = new Map([
      ['a', true],
      ['b', true],
      ['gone', true],
    ]);
    const head = new Map([
      ['b', false],
      ['a', true],
      ['added', false],
    ]);
    const result = compareWithBase(head, base, 'v', policy);
    expect(result.n).toBe(2);
    expect(result.counts).toEqual({ n11: 1, n10: 1, n01: 0, n00: 0 });
    expect(result.base_accuracy).toBe(1);
    expect(result.head_accuracy).toBe(0.5);
    expect(result.flipped).toEqual({ right_to_wrong: ['b'], wrong_to_right: [] });
  });

  it('says nothing when no case is shared', () => {
    const result = compareWithBase(new Map([['x', true]]), new Map([['y', false]]), 'v', policy);
    expect(result).toMatchObject({ n: 0, diff: 0, diff_ci: [-1, 1], mcnemar_p_value: 1, regression: false });
  });

  it('keeps a capped list of flipped ids but complete counts', () => {
    const { base, head } = paired(300, 100, 80, 70);
    const result = compareWithBase(head, base, 'v', policy);
    expect(result.counts.n10).toBe(80);
    expect(result.counts.n01).toBe(70);
    expect(result.flipped.right_to_wrong).toHaveLength(FLIPPED_CASES_KEPT);
    expect(result.flipped.wrong_to_right).toHaveLength(FLIPPED_CASES_KEPT);
  });
});
