import { wilson } from '../scoring/intervals.js';
import type { ReferenceVariant, VariantEvidence } from './types.js';

export interface Regression {
  reference_accuracy: number;
  accuracy: number;
  /** now − reference, with Newcombe's hybrid score interval for independent proportions. */
  diff: number;
  diff_ci: [number, number];
  /** The whole interval is below zero and the point estimate lost more than the margin. */
  significant: boolean;
}

/**
 * Has an accepted variant lost accuracy since it was accepted? The two runs are independent samples,
 * so this uses Newcombe's (1998) method 10 for unpaired proportions (Wilson bounds, square and add).
 */
export function regressionAgainstReference(
  variant: VariantEvidence,
  reference: ReferenceVariant,
  policy: { max_accuracy_loss: number; confidence: number },
): Regression {
  // On the answered cases, like the reference's `n`: a failed call is not a lost answer.
  const { correct } = variant.metrics;
  const n = variant.metrics.n - variant.metrics.errors;
  const accuracy = n === 0 ? 0 : correct / n;
  const referenceAccuracy = reference.n === 0 ? 0 : reference.correct / reference.n;
  const [low1, high1] = wilson(correct, n, policy.confidence);
  const [low0, high0] = wilson(reference.correct, reference.n, policy.confidence);
  const diff = accuracy - referenceAccuracy;
  const low = diff - Math.hypot(accuracy - low1, high0 - referenceAccuracy);
  const high = diff + Math.hypot(high1 - accuracy, referenceAccuracy - low0);
  return {
    reference_accuracy: referenceAccuracy,
    accuracy,
    diff,
    diff_ci: [low, high],
    significant: high < 0 && -diff > policy.max_accuracy_loss,
  };
}
