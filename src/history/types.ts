/**
 * The run history: one JSONL file, append-only, one `run` line per suite and run, and one `ids` line
 * per distinct list of case ids (written before the first run that uses it), so that two runs can be
 * paired case by case without repeating the ids on every line. A reader skips lines of a newer
 * `version` and reports corrupt lines by number; it never drops them silently from a trend.
 */
export const HISTORY_VERSION = 1;

/** Runs kept per suite in the history file unless told otherwise. */
export const DEFAULT_HISTORY_KEEP = 365;

export type CacheMode = 'use' | 'refresh' | 'off';
export type DriftStatus = 'none' | 'drift' | 'recovered' | 'no-history';

/** One variant of one suite in one run. Bitsets are base64, bit i = the i-th id of the sorted list. */
export interface HistoryVariant {
  model: string;
  /** Cases planned. */
  n: number;
  errors: number;
  /** On the answered cases; null when none was answered. */
  accuracy: number | null;
  accuracy_ci: [number, number] | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  cost_per_1k_usd: number | null;
  /** Answered correctly. */
  correct: string;
  /** Answered at all (not an error). */
  answered: string;
  /** Every threshold passed: only a passing variant is a reference for `retrain`. */
  passed?: boolean;
  /** With fragility measured (absent in runs without it and in older files). */
  fragility?: HistoryFragility;
}

/** A variant's fragility as the history keeps it: enough for a trend of the flip rate. */
export interface HistoryFragility {
  flip_rate: number;
  flip_rate_ci: [number, number];
  /** Perturbed calls the rate rests on. */
  n_calls: number;
}

export interface HistoryRun {
  kind: 'run';
  version: typeof HISTORY_VERSION;
  suite: string;
  run_id: string;
  /** ISO 8601 time the run finished. */
  date: string;
  commit: string | null;
  /** `cli`, or the GitHub event (`schedule`, `pull_request`, `workflow_dispatch`...). */
  event: string;
  run_url: string | null;
  cache_mode: CacheMode;
  simulated: boolean;
  /** A reference for drift: the suite's first run, a promotion, or a run made with --accept. */
  accepted: boolean;
  accepted_reason?: 'first' | 'promotion' | 'manual';
  /** The verdict's decision. */
  verdict: string;
  drift: DriftStatus;
  /** sha256 (hex) of the sorted case ids joined by "\n"; the `ids` line with this hash lists them. */
  ids_hash: string;
  variants: Record<string, HistoryVariant>;
}

export interface HistoryIds {
  kind: 'ids';
  version: typeof HISTORY_VERSION;
  hash: string;
  ids: string[];
}

export type HistoryLine = HistoryRun | HistoryIds;

/** Per variant: the run now against the accepted reference, paired on the cases both have. */
export interface DriftVariant {
  model_then: string;
  model_now: string;
  accuracy_then: number | null;
  accuracy_now: number | null;
  /** now − then on the common answered cases. */
  diff: number | null;
  diff_ci: [number, number] | null;
  /**
   * Exact McNemar on the flipped cases, one-sided for a loss (only a loss is drift), before and after
   * Holm's adjustment across every variant of every suite of the run.
   */
  p_value: number | null;
  p_adjusted: number | null;
  common_cases: number;
  latency_p95_then: number | null;
  latency_p95_now: number | null;
  cost_per_1k_then: number | null;
  cost_per_1k_now: number | null;
  drifted: boolean;
  /** Why it drifted (accuracy, latency, cost), in words. */
  reasons: string[];
}

/** `suites[].drift` in results.json. */
export interface SuiteDrift {
  status: DriftStatus;
  against: { run_id: string; date: string; commit: string | null } | null;
  /** Set when the case sets differ (the test ran on the common ids) or a variant has no reference yet. */
  note?: string;
  /** The suite's `decision.fail_on` lists `drift` and the run drifted (a run accepted by hand never fails on it). */
  fails?: boolean;
  variants: Record<string, DriftVariant>;
}
