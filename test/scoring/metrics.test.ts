import { describe, expect, it } from 'vitest';
import { createMetricsAccumulator } from '../../src/scoring/metrics.js';
import { percentile, SampleBuffer } from '../../src/scoring/samples.js';
import type { ScoredRecord } from '../../src/scoring/types.js';
import { caseRecord } from './records.js';

function scored(overrides: Partial<ScoredRecord> = {}): ScoredRecord {
  const base = caseRecord(overrides);
  const correct = overrides.correct ?? true;
  return {
    ...base,
    correct,
    scores: overrides.scores ?? [{ scorer: 'exact', pass: correct, value: correct ? 1 : 0 }],
    ...overrides,
  };
}

function failed(overrides: Partial<ScoredRecord> = {}): ScoredRecord {
  return scored({
    output: null,
    error: 'timeout',
    latency_ms: null,
    usage: null,
    cost_usd: null,
    correct: false,
    scores: [],
    ...overrides,
  });
}

describe('percentiles (linear interpolation between closest ranks)', () => {
  it('interpolates on a known list', () => {
    const sorted = [15, 20, 35, 40, 50];
    expect(percentile(sorted, 0)).toBe(15);
    expect(percentile(sorted, 0.5)).toBe(35);
    expect(percentile(sorted, 0.95)).toBeCloseTo(48, 12); // rank 3.8 → 40 + 0.8 × 10
    expect(percentile(sorted, 0.99)).toBeCloseTo(49.6, 12);
    expect(percentile(sorted, 1)).toBe(50);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('sorts, grows past its initial capacity and reports the mean', () => {
    const buffer = new SampleBuffer();
    for (let i = 2000; i >= 1; i--) buffer.push(i);
    expect(buffer.size).toBe(2000);
    expect(buffer.stats()).toEqual({ p50: 1000.5, p95: 1900.05, p99: 1980.01, mean: 1000.5 });
    expect(new SampleBuffer().stats()).toBeNull();
  });
});

describe('createMetricsAccumulator', () => {
  it('measures accuracy on the answered cases, with its Wilson interval, and counts errors beside it', () => {
    const metrics = createMetricsAccumulator({ kind: 'generation' });
    for (let i = 0; i < 8; i++) metrics.add(scored());
    metrics.add(scored({ correct: false }));
    metrics.add(failed());
    const result = metrics.finish();
    // 8 right of the 9 answered: the failed call is an error, not a wrong answer
    expect(result).toMatchObject({ n: 10, errors: 1, error_rate: 0.1, correct: 8 });
    expect(result.accuracy).toBeCloseTo(8 / 9, 12);
    // Wilson 95% for 8/9
    expect(result.accuracy_ci[0]).toBeCloseTo(0.565, 6);
    expect(result.accuracy_ci[1]).toBeCloseTo(0.980109, 6);
    expect(result.mean_score).toBeCloseTo(8 / 9, 12);
    expect(result.labels).toBeUndefined();
  });

  it('does not let errors move accuracy: the same answers with and without failed calls', () => {
    const answers = [true, true, false, true];
    const clean = createMetricsAccumulator({ kind: 'generation' });
    const withErrors = createMetricsAccumulator({ kind: 'generation' });
    for (const correct of answers) {
      clean.add(scored({ correct }));
      withErrors.add(scored({ correct }));
    }
    for (let i = 0; i < 4; i++) withErrors.add(failed({ error: 'not run: interrupted' }));
    const a = clean.finish();
    const b = withErrors.finish();
    expect(b.accuracy).toBe(a.accuracy);
    expect(b.accuracy_ci).toEqual(a.accuracy_ci);
    expect(b.mean_score).toBe(a.mean_score);
    expect([a.error_rate, b.error_rate]).toEqual([0, 0.5]);
    expect(b.n).toBe(8);
  });

  it('takes latency and time to first token over successful records only', () => {
    const metrics = createMetricsAccumulator({ kind: 'generation' });
    for (const latency of [15, 20, 35, 40, 50]) metrics.add(scored({ latency_ms: latency, ttft_ms: latency / 5 }));
    metrics.add(failed({ latency_ms: 60_000 }));
    const result = metrics.finish();
    expect(result.latency_ms).toEqual({ p50: 35, p95: expect.closeTo(48, 9), p99: expect.closeTo(49.6, 9), mean: 32 });
    expect(result.ttft_ms?.p50).toBe(7);
  });

  it('reports no latency when nothing succeeded, and no ttft without streaming', () => {
    const metrics = createMetricsAccumulator({ kind: 'generation' });
    metrics.add(failed());
    const result = metrics.finish();
    expect(result.latency_ms).toBeNull();
    expect(result.ttft_ms).toBeNull();
    expect(result.accuracy).toBe(0);
    expect(result.cost_usd).toEqual({ total: 0, per_request: null, per_1k: null, price_known: true });
  });

  it('costs the workload as if run live, cached responses included', () => {
    const metrics = createMetricsAccumulator({ kind: 'generation' });
    metrics.add(scored({ cost_usd: 0.002, usage: { prompt: 100, completion: 10, cached: 40 } }));
    metrics.add(scored({ cost_usd: 0.004, cached: true, usage: { prompt: 300, completion: 30, cached: 0 } }));
    metrics.add(failed());
    const result = metrics.finish();
    expect(result.cost_usd.total).toBeCloseTo(0.006, 12);
    expect(result.cost_usd.per_request).toBeCloseTo(0.003, 12);
    expect(result.cost_usd.per_1k).toBeCloseTo(3, 9);
    expect(result.cost_usd.price_known).toBe(true);
    expect(result.tokens).toEqual({ prompt: 400, completion: 40, cached: 40, prompt_per_request: 200 });
    expect(result.cached_responses).toBe(1);
  });

  it('reports cost as unknown when any successful record has no price', () => {
    const metrics = createMetricsAccumulator({ kind: 'generation' });
    metrics.add(scored({ cost_usd: 0.002 }));
    metrics.add(scored({ cost_usd: null }));
    expect(metrics.finish().cost_usd).toEqual({ total: null, per_request: null, per_1k: null, price_known: false });
  });

  it('averages partial credit per record', () => {
    const metrics = createMetricsAccumulator({ kind: 'extraction' });
    metrics.add(
      scored({
        correct: false,
        scores: [
          { scorer: 'json', pass: false, value: 0.5 },
          { scorer: 'regex', pass: true, value: 1 },
        ],
      }),
    );
    metrics.add(scored({ correct: false, scores: [{ scorer: 'json', pass: false, value: 0.25 }] }));
    metrics.add(failed());
    expect(metrics.finish().mean_score).toBeCloseTo((0.75 + 0.25) / 2, 12);
  });

  it('computes per-label precision, recall, F1 and macro-F1 on a hand-computed confusion matrix', () => {
    // gold → predicted: A→A ×3, A→B, A→(failed call, not counted), B→B ×2, B→A, C→C ×3, C→D (D is not a gold label)
    const pairs: [string, string | null][] = [
      ...Array<[string, string]>(3).fill(['A', 'A']),
      ['A', 'B'],
      ['A', null],
      ...Array<[string, string]>(2).fill(['B', 'B']),
      ['B', 'A'],
      ...Array<[string, string]>(3).fill(['C', 'C']),
      ['C', 'D'],
    ];
    const metrics = createMetricsAccumulator({ kind: 'classification', labels: ['A', 'B', 'C', 'D'] });
    for (const [gold, predicted] of pairs) {
      if (predicted === null) metrics.add(failed({ expected: gold, expected_label: gold, predicted_label: null }));
      else
        metrics.add(
          scored({ expected: gold, expected_label: gold, predicted_label: predicted, correct: gold === predicted }),
        );
    }
    const result = metrics.finish();
    expect(result).toMatchObject({ n: 12, errors: 1, correct: 8 });
    const labels = result.labels;
    expect(labels?.confusion).toEqual({
      A: { A: 3, B: 1 },
      B: { B: 2, A: 1 },
      C: { C: 3, D: 1 },
    });
    // A: tp 3, predicted 4, support 4 (answered) → P 0.75, R 0.75, F1 0.75
    expect(labels?.per_label.A).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    // B: tp 2, predicted 3, support 3 → P = R = F1 = 2/3
    expect(labels?.per_label.B?.f1).toBeCloseTo(2 / 3, 12);
    // C: tp 3, predicted 3, support 4 → P 1, R 0.75, F1 6/7
    expect(labels?.per_label.C).toEqual({ precision: 1, recall: 0.75, f1: expect.closeTo(6 / 7, 12), support: 4 });
    expect(labels?.per_label.D).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(labels?.per_label['(error)']).toBeUndefined();
    // macro over gold labels A, B, C: (3/4 + 2/3 + 6/7) / 3
    expect(labels?.macro_f1).toBeCloseTo((3 / 4 + 2 / 3 + 6 / 7) / 3, 12);
  });

  it('derives labels from the output when the suite scores classification without a labels scorer', () => {
    const metrics = createMetricsAccumulator({ kind: 'classification' });
    metrics.add(scored({ expected: 'yes', output: ' yes ', correct: true }));
    metrics.add(scored({ expected: 'yes', output: ' no ', correct: false }));
    expect(metrics.finish().labels?.confusion).toEqual({ yes: { yes: 1, no: 1 } });
  });

  it('folds 100,000 records as they arrive, without keeping them', () => {
    const metrics = createMetricsAccumulator({ kind: 'classification', labels: ['a', 'b', 'c'] });
    const labels = ['a', 'b', 'c'];
    // Each record is spoiled right after add(): an accumulator that kept records and read them in
    // finish() would count the spoiled values. (Its speed is measured by bench/units.ts, not here.)
    const spoil = (record: ScoredRecord) => {
      Object.assign(record, { error: null, correct: !record.correct, latency_ms: 1e9, expected_label: 'z' });
      Object.assign(record, { predicted_label: 'z', cost_usd: 1e9, usage: null, scores: [] });
    };
    for (let i = 0; i < 100_000; i++) {
      const gold = labels[i % 3] as string;
      const predicted = i % 10 === 0 ? (labels[(i + 1) % 3] as string) : gold;
      const record =
        i % 1000 === 999
          ? failed({ expected: gold, expected_label: gold, predicted_label: null })
          : scored({
              expected: gold,
              expected_label: gold,
              predicted_label: predicted,
              correct: predicted === gold,
              latency_ms: i % 1000,
            });
      metrics.add(record);
      spoil(record);
    }
    const result = metrics.finish();
    expect(result.n).toBe(100_000);
    expect(result.errors).toBe(100);
    // every 10th case is wrong (10,000), none of them an error (i % 10 = 0 never has i % 1000 = 999)
    expect(result.correct).toBe(100_000 - 10_000 - 100);
    // successful latencies are 0..998, each 100 times: median and mean are 499
    expect(result.latency_ms?.p50).toBe(499);
    expect(result.latency_ms?.mean).toBeCloseTo(499, 9);
    expect(result.latency_ms?.p99).toBeLessThan(999);
    expect(Object.keys(result.labels?.per_label ?? {})).toEqual(['a', 'b', 'c']);
  });
});
