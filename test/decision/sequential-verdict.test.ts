import { describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/verdict.js';
import { input, pair } from './verdict-fixtures.js';

// 1,000 pairs, 12 right → wrong and 10 wrong → right: the fixed 95% interval clears the 2-point margin.
const table = { n11: 900, n10: 12, n01: 10, n00: 78 };

describe('decide with sequential evidence', () => {
  it('switches only when the efficacy bound was crossed, whatever the unadjusted interval says', () => {
    const fixed = decide(input(pair(table)));
    expect(fixed.verdict.decision).toBe('switch');
    const adjusted_interval = { low: -0.025, high: 0.021, level: 0.9578 };
    const futile = decide(input(pair(table), { sequential: { stopped_because: 'max-reached', adjusted_interval } }));
    expect(futile.comparisons.finetuned?.non_inferior).toBe(false);
    expect(futile.verdict.decision).not.toBe('switch');
    // The reasons quote the adjusted interval at its own level, not the unadjusted 95% one.
    expect(futile.comparisons.finetuned?.accuracy_diff_ci).toEqual([-0.025, 0.021]);
    expect(futile.verdict.reasons.join(' ')).toContain('95.8% CI −2.5 points to +2.1 points');
  });

  it('crossed: switch, with the adjusted interval in the reason', () => {
    const adjusted_interval = { low: -0.012, high: 0.008, level: 0.9979 };
    const crossed = decide(input(pair(table), { sequential: { stopped_because: 'non-inferior', adjusted_interval } }));
    expect(crossed.verdict.decision).toBe('switch');
    expect(crossed.verdict.reasons[0]).toContain('99.8% CI −1.2 points to +0.8 points');
  });

  it('stopped as worse: keep prompting; futile: no extra cases are suggested', () => {
    const worse = decide(
      input(pair(table), {
        sequential: { stopped_because: 'worse', adjusted_interval: { low: -0.09, high: -0.03, level: 0.999 } },
      }),
    );
    expect(worse.verdict.decision).toBe('keep-prompting');
    const futile = decide(
      input(pair(table), {
        sequential: { stopped_because: 'futile', adjusted_interval: { low: -0.09, high: 0.03, level: 0.999 } },
      }),
    );
    expect(futile.comparisons.finetuned?.additional_cases_needed).toBeNull();
    expect(futile.verdict.decision).toBe('inconclusive');
  });
});
