import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftMeasure, pairOutcomes, type SuiteDriftInput } from '../../src/decision/drift.js';
import { holmAdjust } from '../../src/decision/statistics.js';
import { defaults } from '../../src/suite/schema.js';

const REFERENCE = { run_id: 'night-1', date: '2026-03-01T02:00:00.000Z', commit: 'abc1234' };

function measure(ids: string[], right: string, extra: Partial<DriftMeasure> = {}): DriftMeasure {
  const correct = Uint8Array.from(right, (c) => (c === '1' ? 1 : 0));
  const answered = Uint8Array.from(right, (c) => (c === 'x' ? 0 : 1));
  const n = [...right].filter((c) => c !== 'x').length;
  return {
    model: 'm',
    accuracy: n === 0 ? null : correct.reduce((a, b) => a + b, 0) / n,
    latency_p95_ms: 100,
    cost_per_1k_usd: 1,
    outcomes: { ids, correct, answered },
    ...extra,
  };
}

function suite(variants: SuiteDriftInput['variants'], extra: Partial<SuiteDriftInput> = {}): SuiteDriftInput {
  return { suite: 's', policy: defaults.decision, against: REFERENCE, previous: null, variants, ...extra };
}

const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('pairOutcomes', () => {
  it('pairs by id whatever the order, only cases both runs answered', () => {
    const then = measure(['a', 'b', 'c', 'd'], '110x').outcomes;
    const now = measure(['d', 'c', 'b', 'a'], '1001').outcomes;
    // a: 1→1, b: 1→0, c: 0→0, d: unanswered then.
    expect(pairOutcomes(then as never, now as never)).toEqual({
      counts: { n11: 1, n10: 1, n01: 0, n00: 1 },
      common_ids: 4,
    });
  });
});

describe('holmAdjust', () => {
  it('steps down: the smallest p × m, then × (m − 1)…, kept monotone and capped at 1', () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.5])).toEqual([0.04, 0.09, 0.09, 0.5]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
  });
});

describe('computeDrift', () => {
  const list = ids(200);
  const allRight = '1'.repeat(200);
  // 40 right → wrong: a 20-point drop.
  const dropped = '0'.repeat(40) + '1'.repeat(160);

  it('flags a significant drop beyond the margin, with the paired difference and its interval', () => {
    const [drift] = computeDrift([
      suite({ ft: { reference: { ...measure(list, allRight), run: REFERENCE }, current: measure(list, dropped) } }),
    ]);
    expect(drift?.status).toBe('drift');
    expect(drift?.against).toEqual(REFERENCE);
    const v = drift?.variants.ft;
    expect(v?.drifted).toBe(true);
    expect(v?.diff).toBeCloseTo(-0.2, 10);
    expect(v?.diff_ci?.[1]).toBeLessThan(0);
    expect(v?.common_cases).toBe(200);
    // 40 losses, no gain: P(X ≥ 40 | 40, ½) = 2^-40.
    expect(v?.p_value).toBeCloseTo(2 ** -40, 20);
    expect(v?.reasons[0]).toMatch(/accuracy 100\.0% → 80\.0% on 200 paired cases, −20\.0 points/);
    expect(drift?.note).toBeUndefined();
  });

  it('does not flag a gain, nor a significant drop within the margin', () => {
    const gain = computeDrift([
      suite({ ft: { reference: { ...measure(list, dropped), run: REFERENCE }, current: measure(list, allRight) } }),
    ]);
    expect(gain[0]?.status).toBe('none');
    expect(gain[0]?.variants.ft?.p_value).toBe(1);
    const wide = { ...defaults.decision, max_accuracy_loss: 0.25 };
    const within = computeDrift([
      suite(
        { ft: { reference: { ...measure(list, allRight), run: REFERENCE }, current: measure(list, dropped) } },
        { policy: wide },
      ),
    ]);
    expect(within[0]?.variants.ft?.p_adjusted).toBeLessThan(0.05);
    expect(within[0]?.status).toBe('none');
  });

  it('controls the family-wise error with Holm across suites: a borderline drop alone alerts, among many tests it does not', () => {
    // 9 losses, 1 gain: one-sided p = 11/1024 ≈ 0.0107.
    const borderline = `${'0'.repeat(9)}1${'1'.repeat(190)}`;
    const before = `${'1'.repeat(9)}0${'1'.repeat(190)}`;
    const variant = { reference: { ...measure(list, before), run: REFERENCE }, current: measure(list, borderline) };
    const steady = { reference: { ...measure(list, allRight), run: REFERENCE }, current: measure(list, allRight) };
    expect(computeDrift([suite({ ft: variant })])[0]?.status).toBe('drift');
    const many = computeDrift([
      suite({ ft: variant, a: steady, b: steady }),
      suite({ c: steady, d: steady }, { suite: 't' }),
    ]);
    expect(many[0]?.variants.ft?.p_value).toBeCloseTo(11 / 1024, 10);
    expect(many[0]?.variants.ft?.p_adjusted).toBeCloseTo(5 * (11 / 1024), 10);
    expect(many[0]?.status).toBe('none');
  });

  it('tests on the common ids when the case sets differ, and says so', () => {
    const then = ids(200);
    const now = [...ids(150), ...ids(60, 'new')];
    const [drift] = computeDrift([
      suite({
        ft: {
          reference: { ...measure(then, allRight), run: REFERENCE },
          current: measure(now, '0'.repeat(40) + '1'.repeat(170)),
        },
      }),
    ]);
    expect(drift?.variants.ft?.common_cases).toBe(150);
    expect(drift?.variants.ft?.accuracy_now).toBeCloseTo(110 / 150, 10);
    expect(drift?.note).toMatch(/case sets differ \(210 now, 200 then\); compared on the 150 cases both have/);
    expect(drift?.status).toBe('drift');
  });

  it('flags p95 latency and cost rising beyond their percentages, and only beyond', () => {
    const reference = { ...measure(list, allRight), run: REFERENCE };
    const slower = measure(list, allRight, { latency_p95_ms: 126, cost_per_1k_usd: 1.25 });
    const [drift] = computeDrift([suite({ ft: { reference, current: slower } })]);
    expect(drift?.variants.ft?.reasons).toEqual(['p95 latency 100 ms → 126 ms (+26%, beyond +25%)']);
    expect(drift?.status).toBe('drift');
    const costly = computeDrift([
      suite(
        { ft: { reference, current: measure(list, allRight, { cost_per_1k_usd: 2 }) } },
        {
          policy: { ...defaults.decision, drift_cost_pct: 50 },
        },
      ),
    ]);
    expect(costly[0]?.variants.ft?.reasons).toEqual(['cost per 1k requests $1.00 → $2.00 (+100%, beyond +50%)']);
  });

  it('reads no-history without a reference, recovered after a drifting run, and notes a variant without one', () => {
    const steady = { reference: { ...measure(list, allRight), run: REFERENCE }, current: measure(list, allRight) };
    expect(computeDrift([suite({ ft: steady }, { against: null })])[0]).toEqual({
      status: 'no-history',
      against: null,
      variants: {},
    });
    expect(computeDrift([suite({ ft: steady }, { previous: 'drift' })])[0]?.status).toBe('recovered');
    const fresh = computeDrift([
      suite({ ft: steady, added: { reference: null, current: measure(list, allRight) } }),
    ])[0];
    expect(Object.keys(fresh?.variants ?? {})).toEqual(['ft']);
    expect(fresh?.note).toMatch(/added: no accepted run measured it yet/);
  });

  it('compares without pairing when the reference case list is missing, and says so', () => {
    const reference = { ...measure(list, allRight), outcomes: null, run: REFERENCE };
    const [drift] = computeDrift([suite({ ft: { reference, current: measure(list, dropped) } })]);
    expect(drift?.variants.ft).toMatchObject({
      diff: null,
      p_value: null,
      accuracy_then: 1,
      accuracy_now: 0.8,
      drifted: false,
    });
    expect(drift?.note).toMatch(/case list is missing/);
  });
});
