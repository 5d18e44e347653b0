import type { Thresholds } from '../suite/types.js';
import type { ThresholdResult, VariantMetrics } from './types.js';

type Check = { metric: keyof Thresholds; op: 'min' | 'max'; actual: (metrics: VariantMetrics) => number | null };

// One row per threshold, in the order the suite format lists them.
const checks: Check[] = [
  { metric: 'accuracy', op: 'min', actual: (m) => m.accuracy },
  { metric: 'macro_f1', op: 'min', actual: (m) => m.labels?.macro_f1 ?? null },
  { metric: 'latency_p95_ms', op: 'max', actual: (m) => m.latency_ms?.p95 ?? null },
  { metric: 'latency_p50_ms', op: 'max', actual: (m) => m.latency_ms?.p50 ?? null },
  { metric: 'cost_per_1k_usd', op: 'max', actual: (m) => m.cost_usd.per_1k },
  { metric: 'error_rate', op: 'max', actual: (m) => (m.n === 0 ? null : m.error_rate) },
];

/**
 * Checks a variant's metrics against the suite's thresholds. A metric that cannot be measured (no
 * label metrics, no successful call, an unknown price) fails its threshold with `actual: null`:
 * a gate nobody can check must not pass silently.
 */
export function evaluateThresholds(thresholds: Thresholds, metrics: VariantMetrics): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const { metric, op, actual: measure } of checks) {
    const limit = (thresholds[metric] as Partial<Record<'min' | 'max', number>> | undefined)?.[op];
    if (limit === undefined) continue;
    const actual = measure(metrics);
    const pass = actual !== null && (op === 'min' ? actual >= limit : actual <= limit);
    results.push({ metric, op, limit, actual, pass });
  }
  return results;
}

/**
 * The `min_days_to_shutdown` gate of one variant, from its model's days left (a fine-tune: its base's).
 * Unlike a metric, an unknown value passes: most models have no announced shutdown.
 */
export function shutdownThreshold(thresholds: Thresholds, daysLeft: number | null): ThresholdResult[] {
  const limit = thresholds.min_days_to_shutdown;
  if (limit === undefined) return [];
  return [
    { metric: 'days_to_shutdown', op: 'min', limit, actual: daysLeft, pass: daysLeft === null || daysLeft >= limit },
  ];
}
