import type { Score } from './types.js';

/** What a scorer sees of one case: the model output and the dataset row. */
export interface ScoreContext {
  output: string;
  expected: unknown;
  input: string;
  fields: Record<string, unknown>;
}

/** A predicted label and the gold label in the same (canonical) spelling. */
export interface LabelPrediction {
  predicted: string;
  expected: string;
}

export interface Scorer {
  /** The scorer type, suffixed `_2`, `_3`… when a suite uses the same type more than once. */
  name: string;
  /** Custom scorers may be async; built-in ones answer synchronously. */
  score(ctx: ScoreContext): Score | Promise<Score>;
  /** Only the labels scorer: the predicted and gold labels, for per-label metrics. */
  labelsOf?(ctx: ScoreContext): LabelPrediction;
}

/** A pass/fail score with value 1 or 0. */
export function binaryScore(scorer: string, pass: boolean, reason?: string): Score {
  return reason === undefined ? { scorer, pass, value: pass ? 1 : 0 } : { scorer, pass, value: pass ? 1 : 0, reason };
}
