import type { CaseRecord } from '../engine/types.js';

/** The result of one scorer on one record. */
export interface Score {
  scorer: string;
  pass: boolean;
  /** 0..1 for partial credit (e.g. field match); equals pass ? 1 : 0 otherwise. */
  value: number;
  reason?: string;
}

export interface ScoredRecord extends CaseRecord {
  /** Correct by every scorer (an error case is never correct). */
  correct: boolean;
  scores: Score[];
  /**
   * The normalized predicted label for classification tasks (in the label list's spelling when it
   * matches a label); null for an error case. Set only when the suite has a labels scorer.
   */
  predicted_label?: string | null;
  /** The gold label, normalized the same way as `predicted_label` (so the two compare directly). */
  expected_label?: string | null;
}

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface LabelStats {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface VariantMetrics {
  /** Cases planned for the variant, errors included. */
  n: number;
  /** Calls that failed for good or were never made (budget, interruption). */
  errors: number;
  /** errors / n (0 when n is 0). */
  error_rate: number;
  correct: number;
  /** correct / answered cases (n − errors): an error is not a wrong answer. */
  accuracy: number;
  /** Wilson interval of `accuracy`, on the answered cases. */
  accuracy_ci: [number, number];
  latency_ms: LatencyStats | null;
  ttft_ms: LatencyStats | null;
  /** total/per_request/per_1k are null when any priced call has an unknown price. */
  cost_usd: { total: number | null; per_request: number | null; per_1k: number | null; price_known: boolean };
  tokens: { prompt: number; completion: number; cached: number; prompt_per_request: number };
  cached_responses: number;
  labels?: {
    macro_f1: number;
    per_label: Record<string, LabelStats>;
    /** confusion[expected][predicted] = count */
    confusion: Record<string, Record<string, number>>;
  };
  /** Mean partial-credit value of the scorers over the answered cases (field-level accuracy for extraction). */
  mean_score: number;
  /** Only when the suite sets task.out_of_scope and an answered case expects that label. */
  out_of_scope?: OutOfScopeMetrics;
}

/** How a classifier handles the label meaning "none of the intents", over the answered cases. */
export interface OutOfScopeMetrics {
  label: string;
  /** Answered cases whose gold label is `label`. */
  cases: number;
  /** Of those, the cases answered with `label`. */
  detected: number;
  /** detected / cases. */
  recall: number;
  /** Wilson 95% interval of `recall`. */
  recall_ci: [number, number];
  /** Answered cases with any other gold label. */
  in_scope_cases: number;
  in_scope_correct: number;
  /** in_scope_correct / in_scope_cases (0 when there are none). */
  in_scope_accuracy: number;
  /** In-scope cases answered with `label`. */
  false_alarms: number;
}

export interface ThresholdResult {
  metric: string;
  op: 'min' | 'max';
  limit: number;
  actual: number | null;
  pass: boolean;
}
