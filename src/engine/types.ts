import type { Case } from '../dataset/types.js';
import type { CacheMode } from '../history/types.js';
import type { ChatMessage, ModelClient, TokenUsage } from '../providers/types.js';
import type { LoadedSuite, ProviderSpec, VariantSpec } from '../suite/types.js';

export type { CacheMode };

/** One call to make: a case of a suite rendered for one variant. */
export interface PlannedCall {
  suite: LoadedSuite;
  variant: VariantSpec;
  case: Case;
  messages: ChatMessage[];
  /**
   * Which repeat of the same request this is (0 for the first). Enters the cache key only from 1 on and only
   * when the variant samples (temperature above 0), so repeated samples are separate answers.
   */
  sample: number;
  /** Content-addressed cache key (endpoint: base URL, API version, headers; model, messages, params, sample). */
  cacheKey: string;
  /** Set on a fragility call: a meaning-preserving change of the case's request (the engine only passes it on). */
  perturbation?: PerturbationTag;
}

/** What a fragility call changed, for the measurement and the report of fragile cases. */
export interface PerturbationTag {
  family: string;
  index: number;
  /** The change in words: "typos", "system prompt reworded (2 of 3)", … */
  change: string;
}

/** What happened to one case × variant. Never dropped: failures carry `error`. */
export interface CaseRecord {
  suite: string;
  variant: string;
  case_id: string;
  index: number;
  input: string;
  expected: unknown;
  output: string | null;
  error: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  usage: TokenUsage | null;
  /**
   * What the call costs at the synchronous price, as if it ran live (also for cached and batch answers: the
   * economics price production traffic, which is not batched); null when the price or usage is unknown.
   */
  cost_usd: number | null;
  /** Served from the response cache: no money spent, latency is the recorded one. */
  cached: boolean;
  attempts: number;
  simulated: boolean;
  /** Set when the answer came from a Batch API batch this run collected, paid at `batch_cost_usd`. */
  via?: 'batch';
  /** What a batch answer cost: `cost_usd` less the provider's batch discount. */
  batch_cost_usd?: number | null;
}

export interface Progress {
  done: number;
  total: number;
  errors: number;
  cached: number;
  spent_usd: number;
  elapsed_ms: number;
}

export interface RunOptions {
  /** Directory of the response cache; undefined disables it (as `cacheMode: 'off'` does). */
  cacheDir?: string;
  /**
   * How the response cache is used (default `use`): `use` serves stored answers and stores new ones;
   * `refresh` calls every model and stores the new answers over the old; `off` neither reads nor writes.
   */
  cacheMode?: CacheMode;
  /** Refuse to start when the estimate exceeds it; stop when spend reaches it. */
  maxCostUsd?: number;
  /** Overrides every provider's concurrency when set. */
  concurrency?: number;
  /** Environment for API keys (adapters pass process.env in; the engine never reads it). */
  env: Record<string, string | undefined>;
  /**
   * Builds the client of a provider (default: one HTTP attempt per call); injectable for tests. The engine
   * makes the retries itself, so that each one passes the provider's adaptive limit.
   */
  clientFor?: (provider: ProviderSpec, env: Record<string, string | undefined>) => ModelClient;
  /** Called once per finished record, in completion order. Records are not kept by the engine. */
  onRecord: (record: CaseRecord, call: PlannedCall) => void | Promise<void>;
  onProgress?: (progress: Progress) => void;
  /** Hard stop: calls in flight are aborted at once. */
  signal?: AbortSignal;
  /**
   * Graceful stop (SIGINT/SIGTERM): nothing new is dispatched, calls in flight get `stopGraceMs`
   * (default 2000) to finish before they are aborted, and every call not made is recorded as
   * `not run: interrupted`. The summary then says `interrupted: true`.
   */
  stopSignal?: AbortSignal;
  stopGraceMs?: number;
  /**
   * Time bound of the final retry sweep, which retries calls that failed with a retryable error (429, 5xx,
   * timeout, connection) before they are reported (default 60 000; 0 turns it off). A provider with
   * `max_retries: 0` is never retried.
   */
  finalRetryMs?: number;
  /**
   * Runs once the run may start (after the budget estimate), before the first call; what it throws stops
   * the run with nothing spent.
   */
  beforeFirstCall?: () => Promise<void>;
}

export interface RunSummary {
  total: number;
  completed: number;
  errors: number;
  cached: number;
  spent_usd: number;
  /** Set when the budget guard stopped the run; the rest were recorded as errors. */
  budget_exhausted: boolean;
  /** Set when `stopSignal` (or `signal`) stopped the run before every call was made. */
  interrupted: boolean;
  /** Errored calls that the final retry sweep turned into answers. */
  recovered: number;
  elapsed_ms: number;
}
