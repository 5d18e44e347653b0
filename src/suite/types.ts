import type { PerturbationFamily } from './fragility-families.js';

/**
 * The validated, resolved suite the rest of tunegate works with. The raw YAML shape is typed from
 * the JSON Schema (see schema.ts); this is what `loadSuites` returns after resolving `file://`
 * references, defaults and relative paths.
 */
export type TaskKind = 'classification' | 'extraction' | 'generation';
export type VariantRole = 'prompted' | 'finetuned';
export type Normalizer = 'trim' | 'lowercase' | 'collapse_whitespace' | 'strip_punctuation';

export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface DatasetSpec {
  /** Absolute path of the .jsonl/.csv file; undefined for inline cases. */
  path?: string;
  format?: 'jsonl' | 'csv';
  inline?: Record<string, unknown>[];
  input: string;
  expected: string;
  /** Optional id field; defaults to the row index. */
  id?: string;
  sample?: { size: number; seed: number };
  /** Where `dataset:` sits in the suite, for dataset error locations. */
  ref: SourceRef;
}

export type ScorerSpec =
  | { type: 'exact'; normalize: Normalizer[] }
  | { type: 'contains'; value?: string; normalize: Normalizer[] }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'json'; schema?: Record<string, unknown>; fields?: string[]; normalize: Normalizer[] }
  | { type: 'labels'; normalize: Normalizer[] }
  | { type: 'custom'; module: string; export?: string };

/** A header as written: a literal value, or the name of the environment variable holding a secret one. */
export type HeaderValue = string | { env: string };

export interface ProviderSpec {
  name: string;
  /** Served by tunegate itself on a loopback port: its variants name `local:` models (see api/local-server.ts). */
  local?: boolean;
  base_url?: string;
  api_key_env?: string;
  headers: Record<string, HeaderValue>;
  timeout_ms: number;
  max_retries: number;
  concurrency: number;
  /** Ask for streaming (measures time to first token). */
  stream: boolean;
  /** Send `stream_options.include_usage` (some servers reject it). */
  stream_usage: boolean;
  /** Azure OpenAI: api-version query parameter and deployment-style URLs. */
  api_version?: string;
  /**
   * Identifies the endpoint in response-cache keys instead of base_url, for endpoints whose URL
   * changes between runs while their answers do not (the simulator on a free port).
   */
  cache_identity?: string;
  /** Tokens its models take, when the built-in table does not know them. */
  context_window?: number;
  /** Who serves the models, when base_url does not say (see providers/platform.ts). */
  platform?: Platform;
  /** Share of the synchronous price a Batch API call saves (`run --batch`); unset: 0.5. */
  batch_discount?: number;
}

/** The services tunegate knows model lifecycles and fine-tune prices for. */
export type Platform = 'openai' | 'azure' | 'together' | 'fireworks';

export interface FewShotExample {
  input: string;
  output: string;
}

export interface VariantSpec {
  name: string;
  role: VariantRole;
  provider: string;
  model: string;
  /** The model a fine-tuned one was trained from, when its id does not say. */
  base_model?: string;
  system?: string;
  examples: FewShotExample[];
  /** Mustache-like template; `{{input}}` and any other dataset field `{{field}}`. */
  template: string;
  params: Record<string, unknown>;
  /** Tokens the model takes, when the built-in table does not know it (over the provider's). */
  context_window?: number;
  /** Where `model:` sits in the suite, for messages about the model (its shutdown). */
  model_ref?: SourceRef;
}

/** USD per 1M tokens, or per hour for self-hosted models. */
export type PriceSpec =
  | { input: number; cached_input?: number; output: number }
  | { per_hour: number; requests_per_hour?: number };

export interface Thresholds {
  accuracy?: { min?: number };
  macro_f1?: { min?: number };
  latency_p95_ms?: { max?: number };
  latency_p50_ms?: { max?: number };
  cost_per_1k_usd?: { max?: number };
  error_rate?: { max?: number };
  /** Fewest days a variant's model (a fine-tune: its base) may have left before its announced shutdown. */
  min_days_to_shutdown?: number;
}

export type VerdictName = 'switch' | 'keep-prompting' | 'fine-tune' | 'retrain' | 'inconclusive';
/** What `decision.fail_on` may list: a verdict, or drift from the accepted reference run. */
export type FailOnName = VerdictName | 'drift';

/** The verdict policy, defaults applied (see the schema for what each knob means). */
export interface DecisionSpec {
  baseline?: string;
  candidate?: string;
  monthly_requests: number;
  max_accuracy_loss: number;
  confidence: number;
  training_cost_usd: number | 'auto';
  training_examples?: number;
  training_epochs: number;
  payback_months: number;
  retrain_every_months?: number;
  latency_objective_p95_ms?: number;
  pain_monthly_cost_usd: number;
  long_prompt_tokens: number;
  min_training_examples: number;
  /** Flip rate of the prompted variant above which fragility is a pain (0..1). */
  max_flip_rate: number;
  seed_examples?: number;
  fine_tune_model?: string;
  drift_latency_pct: number;
  drift_cost_pct: number;
  fail_on: FailOnName[];
  /** Sequential looks (decision.sequential), when on. */
  sequential?: SequentialSpec;
}

/** `decision.sequential`, defaults applied. */
export interface SequentialSpec {
  looks: number;
  spending: 'obrien-fleming';
}

/** Where an Azure OpenAI fine-tune is deployed (Azure management API), defaults applied. */
export interface AzureDeploymentSpec {
  /** May hold `{job}`, replaced by a short id of the job. */
  name: string;
  subscription_id: string;
  resource_group: string;
  account: string;
  /** Unset only when the simulator stands in for Azure (it needs no token). */
  token_env?: string;
  sku: string;
  capacity: number;
  api_version: string;
  management_url: string;
}

export type TrainingBackendSpec =
  | { type: 'openai'; provider: string; api: 'openai' | 'together' }
  | { type: 'azure'; provider: string; deployment: AzureDeploymentSpec }
  | { type: 'fireworks'; provider: string; account: string; api_url?: string }
  | {
      type: 'github-dispatch';
      repository: string;
      event_type: string;
      workflow?: string;
      ref: string;
      token_env: string;
      api_url?: string;
    }
  | { type: 'webhook'; url: string; headers: Record<string, string>; secret_env?: string }
  /** Trains a classifier in-process (classification suites only). */
  | { type: 'local' };

export type TrainingSourceSpec =
  | { type: 'eval' }
  /** Gold-labelled dataset rows outside the evaluated sample. */
  | { type: 'dataset' }
  | { type: 'logs'; path: string }
  | { type: 'stored'; provider: string; model?: string; metadata: Record<string, string>; limit: number };

export interface DistillSpec {
  seeds: FewShotExample[];
  /** Absolute path of the seeds file. */
  seeds_file: string;
  teacher?: string;
  count: number;
  batch: number;
  max_cost_usd?: number;
  similarity: number;
}

export type TrainingMethod = 'sft' | 'dpo';

/** The split of the dataset by case id: `eval` is the share of rows the evaluation may use. */
export interface HoldoutSpec {
  eval: number;
  seed: number;
}

/** How a fine-tuned model that has no variant yet will be called (`training.serve_as`, as written). */
export interface ServeAsSpec {
  system?: string;
  template?: string;
  /** Serves the trained model in the variant a promotion proposes (default: the backend's provider). */
  provider?: string;
  params?: Record<string, unknown>;
}

/** Training set, backend and registry (defaults applied, paths absolute). */
export interface TrainingSpec {
  base_model?: string;
  variant?: string;
  holdout?: HoldoutSpec;
  serve_as?: ServeAsSpec;
  trigger: boolean;
  backend?: TrainingBackendSpec;
  sources: TrainingSourceSpec[];
  validation_split: number;
  epochs: number;
  /** sft (also when absent): supervised on train.jsonl; dpo: preference pairs (preference.jsonl). */
  method?: TrainingMethod;
  suffix?: string;
  max_tokens_per_example: number;
  /** `key_ref`: where the suite writes the key (a missing key is reported there). */
  registry?: { file: string; key: string; key_ref?: SourceRef };
  distill?: DistillSpec;
}

/** The `fragility:` section, defaults applied; absent from LoadedSuite when fragility is not measured. */
export interface FragilitySpec {
  sample: number;
  seed: number;
  perturbations: PerturbationFamily[];
  per_case: number;
  repeats: number;
  /** Absolute path of the instruction rewordings file (it may not exist yet: the teacher writes it). */
  instructions?: string;
  /** The rewordings read from `instructions` when the file existed at load time. */
  instruction_variants?: string[];
}

export interface TaskSpec {
  kind: TaskKind;
  labels?: string[];
  /** Classification only: the label meaning "none of the intents"; its recall is reported per variant. */
  out_of_scope?: string;
}

export interface LoadedSuite {
  /** Path as given on the command line (used in messages). */
  file: string;
  /** Directory that relative paths resolve against. */
  dir: string;
  name: string;
  description?: string;
  dataset: DatasetSpec;
  task: TaskSpec;
  scoring: ScorerSpec[];
  providers: Record<string, ProviderSpec>;
  variants: VariantSpec[];
  pricing: Record<string, PriceSpec>;
  thresholds: Thresholds;
  decision: DecisionSpec;
  /**
   * Absolute paths of every file the suite reads: the suite file, the dataset, every file://
   * target, custom scorer modules. A change to any of them can change the suite's results.
   */
  sources: string[];
  training?: TrainingSpec;
  fragility?: FragilitySpec;
}
