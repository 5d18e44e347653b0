import type { ChatMessage } from '../providers/types.js';
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
