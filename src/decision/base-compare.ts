import { FLIPPED_CASES_KEPT } from './compare.js';
import { exactMcNemar, pairCounts, pairedDiffInterval } from './statistics.js';
import type { BaseVariantComparison } from './types.js';

/**
 * One variant on a pull request's head against the same variant on its base commit, paired by case
 * id. Only cases measured on both sides count: a case added or removed by the change says nothing
 * about whether the change made the variant worse.
 */
export function compareWithBase(
  head: ReadonlyMap<string, boolean>,
  base: ReadonlyMap<string, boolean>,
  variant: string,
  policy: { max_accuracy_loss: number; confidence: number },
): BaseVariantComparison {
  const baseOutcomes: boolean[] = [];
  const headOutcomes: boolean[] = [];
  const right_to_wrong: string[] = [];
  const wrong_to_right: string[] = [];
  for (const [id, baseRight] of base) {
    const headRight = head.get(id);
    if (headRight === undefined) continue;
    baseOutcomes.push(baseRight);
    headOutcomes.push(headRight);
    if (baseRight === headRight) continue;
    const flipped = baseRight ? right_to_wrong : wrong_to_right;
    if (flipped.length < FLIPPED_CASES_KEPT) flipped.push(id);
  }
  const counts = pairCounts(baseOutcomes, headOutcomes);
  const n = baseOutcomes.length;
  const interval = pairedDiffInterval(counts, policy.confidence);
  return {
    variant,
    n,
    base_accuracy: n === 0 ? 0 : (counts.n11 + counts.n10) / n,
    head_accuracy: n === 0 ? 0 : (counts.n11 + counts.n01) / n,
    diff: interval.diff,
    diff_ci: [interval.low, interval.high],
    mcnemar_p_value: exactMcNemar(counts.n10, counts.n01).p_value,
    counts,
    regression: interval.high < 0 && -interval.diff > policy.max_accuracy_loss,
    improved: interval.low > 0,
    flipped: { right_to_wrong, wrong_to_right },
  };
}
