import { bootstrapSums, percentileInterval } from './cluster-intervals.js';
import { type FragilityObservation, type FragilityOptions, type Interval, tabulate, total } from './measure.js';

export interface FragilityComparison {
  /** Cases both variants were measured on (the comparison uses only these). */
  n_cases: number;
  baseline_flip_rate: number;
  candidate_flip_rate: number;
  /** candidate − baseline flip rate: below 0, the candidate is steadier. */
  difference: number;
  difference_ci: Interval;
}

const DEFAULT_RESAMPLES = 2000;

/** Per-case flips and calls over the perturbation families, for the given cases in their order. */
function columns(observations: readonly FragilityObservation[], caseIds: readonly string[]) {
  const table = tabulate(observations);
  const position = new Map(table.caseIds.map((id, index) => [id, index]));
  const flips = new Float64Array(caseIds.length);
  const calls = new Float64Array(caseIds.length);
  caseIds.forEach((id, index) => {
    const at = position.get(id);
    if (at === undefined) return;
    flips[index] = table.pooled.flips[at] as number;
    calls[index] = table.pooled.calls[at] as number;
  });
  return { flips, calls, measured: (id: string) => (table.pooled.calls[position.get(id) ?? -1] ?? 0) > 0 };
}

/**
 * Candidate vs baseline flip rate, paired by case: only cases both have perturbed calls for count, and
 * the bootstrap resamples those cases together, so a hard case weighs on both sides of the difference.
 */
export function compareFragility(
  baseline: readonly FragilityObservation[],
  candidate: readonly FragilityObservation[],
  options: FragilityOptions,
): FragilityComparison {
  const ids = [...new Set([...baseline, ...candidate].map((observation) => observation.caseId))];
  const allBaseline = columns(baseline, ids);
  const allCandidate = columns(candidate, ids);
  const paired = ids.filter((id) => allBaseline.measured(id) && allCandidate.measured(id));
  if (paired.length === 0) {
    return { n_cases: 0, baseline_flip_rate: 0, candidate_flip_rate: 0, difference: 0, difference_ci: [-1, 1] };
  }
  const base = columns(baseline, paired);
  const cand = columns(candidate, paired);
  const baselineRate = total(base.flips) / total(base.calls);
  const candidateRate = total(cand.flips) / total(cand.calls);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const [baseFlips, baseCalls, candFlips, candCalls] = bootstrapSums(
    [base.flips, base.calls, cand.flips, cand.calls],
    resamples,
    options.seed,
  ) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    differences[r] =
      (candFlips[r] as number) / (candCalls[r] as number) - (baseFlips[r] as number) / (baseCalls[r] as number);
  }
  return {
    n_cases: paired.length,
    baseline_flip_rate: baselineRate,
    candidate_flip_rate: candidateRate,
    difference: candidateRate - baselineRate,
    difference_ci: percentileInterval(differences, options.confidence),
  };
}
