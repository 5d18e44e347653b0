import type { ChatMessage } from '../providers/types.js';
import type { TrainingMethod } from '../suite/types.js';
import type { LeakCounts } from './decontaminate.js';

/** Where a training example came from. */
export type ExampleSource = 'eval' | 'logs' | 'stored' | 'distilled';

/** One chat fine-tuning example: `{"messages": [...]}` in OpenAI's JSONL. */
export interface TrainingExample {
  id: string;
  source: ExampleSource;
  /** The raw input (for decontamination and stratification). */
  input: string;
  /** The gold/assistant output. */
  output: string;
  /** Class label for stratified splits (classification tasks). */
  label?: string;
  messages: ChatMessage[];
}

/** A DPO pair: OpenAI's preference fine-tuning format. */
export interface PreferenceExample {
  input: { messages: ChatMessage[] };
  preferred_output: { role: 'assistant'; content: string }[];
  non_preferred_output: { role: 'assistant'; content: string }[];
}

export interface TrainingSetReport {
  examples: number;
  train: number;
  validation: number;
  preference_pairs: number;
  /** Removed because their input leaks an eval input (any rule; DPO pairs included). */
  decontaminated: number;
  /**
   * Leaks by rule, with examples: training rows and DPO pairs against the eval set, and validation rows against
   * the training split (those are dropped from validation).
   */
  decontamination: { eval: LeakCounts; validation: LeakCounts };
  duplicates_removed: number;
  too_long: number;
  /** Tokens of one epoch over the training split; × epochs prices the run. */
  training_tokens_per_epoch: number;
  files: { train: string; validation: string | null; preference: string | null };
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'dispatched';

export interface TrainingJob {
  backend: string;
  id: string;
  status: JobStatus;
  /**
   * What answers as the trained model once the job succeeded: its id (e.g. `ft:gpt-4.1-nano-2025-04-14:org:suffix:id`),
   * or, where a model must be deployed first (Azure), the deployment's name.
   */
  model?: string;
  /** The trained model's own id when `model` is a deployment that serves it. */
  trained_model?: string;
  /** Where a person can follow the job. */
  url?: string;
  events: { at: string; message: string }[];
}

export interface TrainingJobSpec {
  suite: string;
  base_model: string;
  training_file: string;
  validation_file?: string;
  suffix?: string;
  epochs?: number;
  /** dpo: `training_file` holds preference pairs (default sft: chat examples). */
  method?: TrainingMethod;
  /** Same key, same job: a backend (or the ledger in front of it) never starts it twice. */
  idempotency_key: string;
}

/** A place that trains models: OpenAI, an OpenAI-compatible provider, a team's own workflow, a webhook. */
export interface FineTuneBackend {
  readonly name: string;
  start(spec: TrainingJobSpec): Promise<TrainingJob>;
  /** Current state of a job started earlier (resumable from its id alone). */
  status(id: string): Promise<TrainingJob>;
  /** Stops a job that has not finished; absent where the backend cannot (a dispatched workflow). */
  cancel?(id: string): Promise<TrainingJob>;
}
