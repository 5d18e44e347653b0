import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../src/scoring/thresholds.js';
import type { VariantMetrics } from '../../src/scoring/types.js';
import { metrics as baseMetrics } from '../report/fixtures.js';

// The thresholds below are set around these values.
function metrics(overrides: Partial<VariantMetrics> = {}): VariantMetrics {
  return baseMetrics({
    errors: 4,
    error_rate: 0.02,
    latency_ms: { p50: 400, p95: 1500, p99: 2500, mean: 500 },
    labels: { macro_f1: 0.78, per_label: {}, confusion: {} },
    ...overrides,
  });
}

describe('evaluateThresholds', () => {
  it('checks every threshold the suite sets, in a stable order', () => {
    const results = evaluateThresholds(
      {
        error_rate: { max: 0.01 },
        accuracy: { min: 0.85 },
        macro_f1: { min: 0.8 },
        latency_p95_ms: { max: 2000 },
        latency_p50_ms: { max: 400 },
        cost_per_1k_usd: { max: 3 },
      },
      metrics(),
    );
    expect(results).toEqual([
      { metric: 'accuracy', op: 'min', limit: 0.85, actual: 0.9, pass: true },
      { metric: 'macro_f1', op: 'min', limit: 0.8, actual: 0.78, pass: false },
      { metric: 'latency_p95_ms', op: 'max', limit: 2000, actual: 1500, pass: true },
      { metric: 'latency_p50_ms', op: 'max', limit: 400, actual: 400, pass: true },
      { metric: 'cost_per_1k_usd', op: 'max', limit: 3, actual: 2.5, pass: true },
      { metric: 'error_rate', op: 'max', limit: 0.01, actual: 0.02, pass: false },
    ]);
  });

  it('returns nothing when no threshold is set', () => {
    expect(evaluateThresholds({}, metrics())).toEqual([]);
    expect(evaluateThresholds({ accuracy: {} }, metrics())).toEqual([]);
  });

  it('fails a threshold whose metric cannot be measured', () => {
    const unmeasurable = metrics({
      labels: undefined,
      latency_ms: null,
      cost_usd: { total: null, per_request: null, per_1k: null, price_known: false },
    });
    const results = evaluateThresholds(
      { macro_f1: { min: 0 }, latency_p95_ms: { max: 1e9 }, cost_per_1k_usd: { max: 1e9 } },
      unmeasurable,
    );
    expect(results.map(({ metric, actual, pass }) => ({ metric, actual, pass }))).toEqual([
      { metric: 'macro_f1', actual: null, pass: false },
      { metric: 'latency_p95_ms', actual: null, pass: false },
      { metric: 'cost_per_1k_usd', actual: null, pass: false },
    ]);
  });

  it('fails the error rate of an empty run instead of dividing by zero', () => {
    expect(evaluateThresholds({ error_rate: { max: 1 } }, metrics({ n: 0, errors: 0 }))).toEqual([
      { metric: 'error_rate', op: 'max', limit: 1, actual: null, pass: false },
    ]);
  });
});
