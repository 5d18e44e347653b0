import type { FragilityComparison } from '../fragility/compare.js';
import type { FragilityStats } from '../fragility/measure.js';
import type { ThresholdResult, VariantMetrics } from '../scoring/types.js';
import type { DecisionSpec, Thresholds, VariantRole, VerdictName } from '../suite/types.js';
import type { SequentialEvidence } from './sequential-verdict.js';
import type { PairCounts } from './statistics.js';

/** What the decision needs to know about one measured variant. */
export interface VariantEvidence {
  name: string;
  role: VariantRole;
  model: string;
  metrics: VariantMetrics;
  thresholds: ThresholdResult[];
  passed: boolean;
  /** outcomes[case index] = 1 when the case was answered correctly (errors are 0). */
  outcomes: Uint8Array;
  /** answered[case index] = 1 when the variant answered the case (0: the call failed or never ran). */
  answered: Uint8Array;
  /** Tokens of the fixed part of every prompt (system prompt + few-shot examples); counted only when a fine-tune verdict can use them, else 0. */
  prefix_tokens: number;
}

/** The same variant as recorded by an earlier, accepted run (a previous results.json). */
export interface ReferenceVariant {
  model: string;
  correct: number;
  /** Cases it answered (errors left out). */
  n: number;
  passed: boolean;
}

export interface DecisionInput {
  /** With decision.sequential: what the looks settled about the candidate (it overrides the fixed reading). */
  sequential?: SequentialEvidence;
  suite: string;
  policy: DecisionSpec;
  thresholds: Thresholds;
  variants: VariantEvidence[];
  /** Case ids by case index, to name flipped cases. */
  case_ids: readonly string[];
  /**
   * Rows available as training examples (never the evaluated ones), seeds for distillation, and whether
   * `training.holdout` keeps a train part (without it only rows outside the evaluated sample may train).
   */
  examples: { cases: number; seeds: number; holdout?: boolean };
  /** Prices looked up by the caller (the decision layer does no I/O and knows no price table). */
  prices: {
    /** USD per 1M training tokens of the candidate's base (or of the fine-tune target); null when unknown. */
    training_per_1m_usd: number | null;
    /** Epochs that price is counted for; absent: decision.training_epochs (a local training's time covers all). */
    training_epochs?: number;
    /** Projected cost per request of the fine-tune target serving the prompt without its fixed prefix. */
    fine_tune_per_request_usd: number | null;
  };
  /** Earlier accepted measurements by variant name, for the retrain check. */
  reference?: Record<string, ReferenceVariant>;
  /** Shutdown facts by variant name (ft: variants carry their base's date). */
  lifecycle?: Record<string, VariantLifecycle>;
  /** Places the fine-tune verdict may recommend, each with its projected cost per request (caller computes). */
  fine_tune_options?: FineTuneOption[];
  /** The run's date, YYYY-MM-DD (decide stays pure: no clock). */
  today?: string;
  /** Measured fragility (the suite's `fragility` section): by variant, and each comparison's paired difference. */
  fragility?: FragilityEvidence;
}

export interface FragilityEvidence {
  variants: Record<string, FragilityStats>;
  /** By compared variant name (baseline vs it), like `comparisons`. */
  comparisons: Record<string, FragilityComparison>;
}

/** When a variant's model stops being served, as the caller learnt it. */
export interface VariantLifecycle {
  /** YYYY-MM-DD; null when no shutdown is announced. */
  shutdown_date: string | null;
  /** Whole days from the run's date; negative when past. */
  days_left: number | null;
  /** What the platform suggests instead, when known. */
  replacement: string | null;
}

/** One base the fine-tune verdict may recommend, on one platform. */
export interface FineTuneOption {
  platform: string;
  /** Id to train from on that platform. */
  base: string;
  /** USD per 1M trained tokens; null when unknown. */
  training_per_1m_usd: number | null;
  /** Epochs the training cost counts, when the price covers a whole training (the local classifier: 1); default decision.training_epochs. */
  training_epochs?: number;
  /** The fine-tuned model serving the baseline's requests without their fixed prefix; null when unpriced. */
  per_request_usd: number | null;
  /** Last day new training jobs are accepted (YYYY-MM-DD), null when no end is announced. */
  trainable_until: string | null;
  /** The base's shutdown (YYYY-MM-DD), when announced. */
  shutdown_date: string | null;
  days_left: number | null;
  /** The suite's training.backend is on this platform. */
  configured: boolean;
  /** Where the prices come from, e.g. "built-in ft table (as of 2026-11-20): https://…". */
  source: string;
}

/** What fine-tuning the recommended base is projected to save and cost. */
export interface FineTuneProjection {
  platform: string;
  base: string;
  source: string;
  per_request_usd: number | null;
  monthly_savings_usd: number | null;
  training_cost_usd: number | null;
  training_cost_basis: 'given' | 'estimated' | 'unknown';
  /** Months of savings that pay the training back; null when unknown or never. */
  payback_months: number | null;
  shutdown_date: string | null;
}

export interface Comparison {
  baseline: string;
  candidate: string;
  /** Flip rates of the two on the cases both were perturbed on (with the suite's `fragility` section). */
  fragility?: FragilityComparison;
  /** Cases both variants answered: the pairs the statistics rest on. */
  n: number;
  counts: PairCounts;
  baseline_accuracy: number;
  candidate_accuracy: number;
  /** candidate − baseline, with its paired interval at the suite's confidence. */
  accuracy_diff: number;
  accuracy_diff_ci: [number, number];
  /** The same interval from a seeded paired bootstrap, as a check on the analytic one. */
  accuracy_diff_bootstrap_ci: [number, number];
  mcnemar_p_value: number;
  margin: number;
  confidence: number;
  /** The lower bound clears −margin: the candidate loses at most `margin` accuracy. */
  non_inferior: boolean;
  /** The upper bound is below −margin: the candidate is worse beyond the margin. */
  worse_beyond_margin: boolean;
  /**
   * More paired cases that would decide an undecided comparison (80% power, planned on the side the
   * data leans to); null when decided, or when the difference sits on the margin and no number would.
   */
  additional_cases_needed: number | null;
  /** Case ids, capped; counts are in `counts` (n10 = right → wrong, n01 = wrong → right). */
  flipped: { right_to_wrong: string[]; wrong_to_right: string[] };
}

export interface VariantEconomics {
  cost_per_request_usd: number | null;
  monthly_cost_usd: number | null;
  latency_p95_ms: number | null;
  prompt_tokens_per_request: number;
}

export interface Economics {
  monthly_requests: number;
  variants: Record<string, VariantEconomics>;
  /**
   * Baseline monthly cost − candidate monthly cost, retraining included (positive = the
   * candidate saves).
   */
  monthly_savings_usd: number | null;
  /**
   * What retraining the candidate every `decision.retrain_every_months` adds to its monthly cost
   * (training cost / months); 0 when it is not retrained, null when the training cost is unknown.
   */
  retraining_monthly_usd: number | null;
  training_cost_usd: number | null;
  training_cost_basis: 'given' | 'estimated' | 'unknown';
  /** Tokens the training run is priced on (examples × tokens per example × epochs). */
  training_tokens: number | null;
  break_even_requests: number | null;
  /** Training cost ÷ monthly saving before retraining: how long one training takes to pay back. */
  payback_months: number | null;
  latency_objective_p95_ms: number | null;
  /** The candidate's shutdown (its base's, for a fine-tune); null when none is announced. */
  candidate_shutdown_date: string | null;
  /** Months the candidate can still be served; null when no shutdown is announced. */
  remaining_life_months: number | null;
  /** What switching saves from now until the candidate shuts down; null when unbounded or unknown. */
  savings_over_life_usd: number | null;
  /** Training still to be spent must pay back within min(decision.payback_months, remaining life). */
  payback_horizon_months: number;
  /** candidate p95 − baseline p95 (negative = faster). */
  latency_p95_change_ms: number | null;
}

export interface Verdict {
  decision: VerdictName;
  /** Plain sentences with the numbers, most important first. */
  reasons: string[];
  /**
   * Probability (normal approximation) that the accuracy finding the verdict rests on is not noise;
   * null when the verdict does not rest on a comparison (e.g. `fine-tune` from measured pains).
   */
  confidence: number | null;
  baseline: string;
  candidate: string | null;
  /** The suite's policy (`decision.fail_on`) makes this verdict fail the run. */
  fails: boolean;
  /** For `fine-tune`: projected monthly saving of a fine-tuned model at the target's price. */
  projected_monthly_savings_usd?: number | null;
  /** For `fine-tune`: the base recommended, where, and what it is projected to cost and save; null when none can be. */
  fine_tune_projection?: FineTuneProjection | null;
}

export interface Decision {
  comparisons: Record<string, Comparison>;
  economics: Economics;
  verdict: Verdict;
}

/** One variant measured on the pull request's head against the same variant on its base commit. */
export interface BaseVariantComparison {
  variant: string;
  /** Cases present in both runs, paired by case id. */
  n: number;
  base_accuracy: number;
  head_accuracy: number;
  /** head − base, with the paired interval at the suite's confidence. */
  diff: number;
  diff_ci: [number, number];
  mcnemar_p_value: number;
  /** n10 = right on base, wrong on head; n01 = wrong on base, right on head. */
  counts: PairCounts;
  /** A significant drop beyond the suite's margin: the interval's top is below 0 and the loss exceeds the margin. */
  regression: boolean;
  /** A significant gain: the interval's bottom is above 0. */
  improved: boolean;
  /** Case ids, capped. */
  flipped: { right_to_wrong: string[]; wrong_to_right: string[] };
}

export interface BaseSuiteComparison {
  suite: string;
  /** compared; new (the suite did not exist on base); skipped (no changed file touches it). */
  status: 'compared' | 'new' | 'skipped';
  variants: BaseVariantComparison[];
}
