import { additionalPairsNeeded } from './sample-size.js';
import { exactMcNemar, pairCounts, pairedBootstrap, pairedDiffInterval, pairTotal } from './statistics.js';
import type { Comparison, VariantEvidence } from './types.js';

/** How many flipped case ids a comparison keeps (the counts are always complete). */
export const FLIPPED_CASES_KEPT = 50;

function flippedIds(baseline: Uint8Array, candidate: Uint8Array, caseIds: readonly string[]) {
  const right_to_wrong: string[] = [];
  const wrong_to_right: string[] = [];
  for (let i = 0; i < baseline.length; i++) {
    if (baseline[i] === candidate[i]) continue;
    const list = baseline[i] === 1 ? right_to_wrong : wrong_to_right;
    if (list.length < FLIPPED_CASES_KEPT) list.push(caseIds[i] ?? String(i));
  }
  return { right_to_wrong, wrong_to_right };
}

/**
 * The cases both variants answered, as compact outcome arrays with their case ids. A case one of
 * them failed (or never ran) is no evidence about either's answers, so it is left out of the pairs
 * rather than counted as wrong.
 */
export function answeredPairs(
  baseline: Pick<VariantEvidence, 'outcomes' | 'answered'>,
  candidate: Pick<VariantEvidence, 'outcomes' | 'answered'>,
  caseIds: readonly string[],
): { baseline: Uint8Array; candidate: Uint8Array; caseIds: readonly string[] } {
  const kept: number[] = [];
  for (let i = 0; i < baseline.outcomes.length; i++) {
    if (baseline.answered[i] === 1 && candidate.answered[i] === 1) kept.push(i);
  }
  if (kept.length === baseline.outcomes.length && kept.length === candidate.outcomes.length) {
    return { baseline: baseline.outcomes, candidate: candidate.outcomes, caseIds };
  }
  return {
    baseline: Uint8Array.from(kept, (i) => baseline.outcomes[i] as number),
    candidate: Uint8Array.from(kept, (i) => candidate.outcomes[i] as number),
    caseIds: kept.map((i) => caseIds[i] ?? String(i)),
  };
}

/**
 * Paired comparison of a candidate against the baseline on the cases both answered: the accuracy
 * difference with Newcombe's interval (and a bootstrap check), exact McNemar, and the
 * non-inferiority reading at the suite's margin — or how many more cases would settle it.
 */
export function compareVariants(
  baseline: Pick<VariantEvidence, 'name' | 'outcomes' | 'answered'>,
  candidate: Pick<VariantEvidence, 'name' | 'outcomes' | 'answered'>,
  policy: { max_accuracy_loss: number; confidence: number },
  caseIds: readonly string[],
): Comparison {
  const pairs = answeredPairs(baseline, candidate, caseIds);
  const counts = pairCounts(pairs.baseline, pairs.candidate);
  const n = pairTotal(counts);
  const margin = policy.max_accuracy_loss;
  const interval = pairedDiffInterval(counts, policy.confidence);
  const bootstrap = pairedBootstrap(
    { baseline: pairs.baseline, candidate: pairs.candidate },
    { confidence: policy.confidence },
  );
  const nonInferior = interval.low > -margin;
  const worse = interval.high < -margin;
  const alpha = (1 - policy.confidence) / 2;
  const more = nonInferior || worse ? null : additionalPairsNeeded(counts, { margin, alpha });
  return {
    baseline: baseline.name,
    candidate: candidate.name,
    n,
    counts,
    baseline_accuracy: n === 0 ? 0 : (counts.n11 + counts.n10) / n,
    candidate_accuracy: n === 0 ? 0 : (counts.n11 + counts.n01) / n,
    accuracy_diff: interval.diff,
    accuracy_diff_ci: [interval.low, interval.high],
    accuracy_diff_bootstrap_ci: [bootstrap.low, bootstrap.high],
    mcnemar_p_value: exactMcNemar(counts.n10, counts.n01).p_value,
    margin,
    confidence: policy.confidence,
    non_inferior: nonInferior,
    worse_beyond_margin: worse,
    additional_cases_needed: more !== null && Number.isFinite(more) ? more : null,
    flipped: flippedIds(pairs.baseline, pairs.candidate, pairs.caseIds),
  };
}
