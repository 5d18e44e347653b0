/**
 * What a fine-tuning backend is asked and answers. Providers implement it and training drives it, so the
 * contract lives here, in the lower layer.
 */
import type { TrainingMethod } from '../suite/types.js';

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
