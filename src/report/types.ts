import type { BaseSuiteComparison, Comparison, Economics, Verdict } from '../decision/types.js';
import type { CacheMode } from '../engine/types.js';
import type { FragilityStats } from '../fragility/measure.js';
import type { PruneNote } from '../history/text.js';
import type { SuiteDrift } from '../history/types.js';
import type { ThresholdResult, VariantMetrics } from '../scoring/types.js';
import type { MeasuredFamily } from '../suite/fragility-families.js';
import type { TaskKind, VariantRole } from '../suite/types.js';

/** One variant of one suite, as written to results.json. */
export interface VariantResult {
  role: VariantRole;
  provider: string;
  model: string;
  /** Human-readable price, e.g. "$2.00 in / $0.50 cached / $8.00 out per 1M tokens" or "price unknown". */
  price: string;
  /** Where the price comes from: `suite`, `genai-prices x.y.z`, `built-in ft table (as of DATE)`; null when unknown. */
  price_source: string | null;
  metrics: VariantMetrics;
  thresholds: ThresholdResult[];
  passed: boolean;
  /** Any of its answers came from the tunegate simulator; absent in results written before it was recorded. */
  simulated?: boolean;
  /** The model's announced shutdown (a fine-tune: its base's), when the run looked it up. */
  lifecycle?: VariantLifecycle;
  /** How much its answers move under meaning-preserving changes (the suite's `fragility` section). */
  fragility?: VariantFragility;
}

/** A variant's fragility in results.json: the clustered measurement, and what its extra calls cost. */
export interface VariantFragility extends FragilityStats {
  /** Money spent on the perturbed calls (cache hits cost nothing); null when the model has no price. */
  cost_usd: number | null;
}

/** One of a variant's most fragile cases: a perturbation that changed its answer. */
export interface FragileCase {
  variant: string;
  case_id: string;
  family: MeasuredFamily;
  /** The input as in the dataset, and as sent (the same for prompt perturbations and repeats). */
  input: string;
  perturbed_input: string;
  /** What changed, in words: "typos", "system prompt reworded (2 of 3)", "few-shot examples reordered", … */
  change: string;
  expected: unknown;
  /** The variant's unperturbed answer, and its answer to the perturbed request. */
  answer: string;
  perturbed_answer: string;
  /** Of this variant's perturbed calls on the case: how many changed the answer, out of how many. */
  flips: number;
  calls: number;
}

/** What results.json says about a variant's model shutdown. */
export interface VariantLifecycle {
  /** The id the date belongs to: the variant's model, or the base a fine-tune stops with. */
  model: string;
  /** YYYY-MM-DD, or null when neither the provider nor the built-in table knows one. */
  shutdown_date: string | null;
  /** Whole days from the run's date; 0 or negative once shut down. */
  days_left: number | null;
  /** Where the date came from: the provider's `GET /models/{id}`, or the built-in table. */
  source: 'provider' | 'built-in' | null;
  /** What the platform suggests instead, when known. */
  replacement: string | null;
}

/** A case on which the baseline and the candidate disagree, with both answers. */
export interface FlippedCase {
  case_id: string;
  input: string;
  expected: unknown;
  baseline_output: string | null;
  candidate_output: string | null;
}

export interface SuiteResult {
  name: string;
  file: string;
  description?: string;
  task: TaskKind;
  /** True when any response came from the tunegate simulator. */
  simulated: boolean;
  dataset: { path: string | null; cases: number; sampled: boolean };
  variants: Record<string, VariantResult>;
  /** Paired comparison of every other variant against the baseline, by variant name. */
  comparison: Record<string, Comparison>;
  economics: Economics;
  verdict: Verdict;
  /** Flipped cases of each comparison (capped), by variant name. */
  flipped_cases: Record<string, { right_to_wrong: FlippedCase[]; wrong_to_right: FlippedCase[] }>;
  /** With a run history: this run against the suite's accepted reference run. */
  drift?: SuiteDrift;
  /** With fragility measured: each variant's most fragile cases (capped), most flips first. */
  fragile_cases?: FragileCase[];
  /** With decision.sequential: where the looks stopped and what that saved. */
  sequential?: SequentialSummary;
  /** Every threshold passed, the verdict is not one the policy fails on, nor is drift when it lists drift. */
  passed: boolean;
}

/** What a run did with its history (`--history`). */
export interface HistorySummary {
  file: string;
  /** Readable runs in the file before this run. */
  runs_read: number;
  /** Runs this run appended (one per suite; 0 when the file could not be written). */
  appended: number;
  /** Suites whose accepted reference this run became. */
  accepted: string[];
  /** Runs kept per suite. */
  keep: number;
  pruned: PruneNote[];
  /** Lines skipped (corrupt, from a newer version) and write failures; line 0 = the file as a whole. */
  problems: { line: number; code: string; message: string }[];
}

/** The contract of results.json (schemas/results.schema.json). */
export interface RunResults {
  schema_version: 1;
  tool: { name: 'tunegate'; version: string };
  /** Also on every line of the cases.jsonl written with it: the two files belong together. */
  run_id: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  simulated: boolean;
  /** How the response cache was used: `use` (stored answers replayed), `refresh` (every model called, answers stored), `off`. */
  cache_mode: CacheMode;
  suites: SuiteResult[];
  /** Set on one shard of a run (`--shard K/N`): its suites hold only that shard's cases; `merge` joins them. */
  shard?: { index: number; count: number; suite_case_ids_hash: string; suite_files: string[] };
  /** Set when the run used a history (`--history`). */
  history?: HistorySummary;
  /** On a pull request: the same suites on the base commit, compared variant by variant. */
  base?: { ref: string; sha: string; suites: BaseSuiteComparison[]; regressions: number };
  summary: {
    calls: number;
    errors: number;
    cached: number;
    /** Money actually spent in this run (cache hits cost nothing). */
    spent_usd: number;
    /** The same money split by purpose: the evaluation itself and the fragility measurement. */
    cost_usd?: { evaluation: number; fragility: number };
    budget_exhausted: boolean;
    /** Stopped before every call was made (SIGINT/SIGTERM): the calls not made are errors `not run: …`. */
    incomplete: boolean;
    /** Calls that failed in the main pass and were answered by the final retry sweep. */
    recovered: number;
    passed: boolean;
    /** Set on a `--batch` run: the batches this run collected, and what their answers cost at the batch price. */
    batch?: BatchSummary;
  };
}

/** The batches a `--batch` run collected. Their answers count as spent in the run that collects them. */
export interface BatchSummary {
  /** Batches collected by this run. */
  batches: number;
  /** Requests those batches covered. */
  requests: number;
  /** Records of this run answered from them (`via: 'batch'` in cases.jsonl). */
  collected: number;
  /** Lines that failed (error file, or a status other than 200): called synchronously instead. */
  failed_lines: number;
  /** Batches that expired: their answered lines were kept, the rest called synchronously. */
  expired: number;
  /** What the collected answers cost at the batch price (included in summary.spent_usd). */
  spent_usd: number;
  /** What they would have cost more at the synchronous price. */
  saved_usd: number;
}

/** A sequential suite's looks (decision.sequential / --sequential). */
export interface SequentialSummary {
  looks_planned: number;
  stopped_at_look: number;
  stopped_because: 'non-inferior' | 'worse' | 'futile' | 'max-reached';
  cases_evaluated: number;
  cases_planned: number;
  /** Regular calls (every variant) made up to the stopping look. */
  calls_evaluated: number;
  /** Regular calls (every variant) the stop left out of the planned maximum. */
  calls_saved: number;
  /** calls_saved × the mean cost of the calls evaluated (an estimate); null when no price is known. */
  usd_saved: number | null;
  /** one-sided α the bounds spend: (1 − confidence) / 2 */
  alpha: number;
  /** one-sided efficacy bound (z) at each look */
  boundaries: number[];
  /** the repeated confidence interval of candidate − baseline at the stopping look's adjusted level */
  adjusted_interval: { low: number; high: number; level: number };
}
