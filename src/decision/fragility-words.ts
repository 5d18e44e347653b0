import { percent, points } from '../format.js';
import type { DecisionInput, VariantEvidence } from './types.js';

/** `12.4% [10.1, 14.9]`: a flip rate with its interval, in percent. */
function rateWithInterval(rate: number, [low, high]: [number, number]): string {
  return `${percent(rate)} [${(low * 100).toFixed(1)}, ${(high * 100).toFixed(1)}]`;
}

/**
 * The fragility pain: the baseline changes its answer under meaning-preserving changes more often than
 * `decision.max_flip_rate`, with confidence (the interval's lower end is above it). Other measured
 * variants are named beside it, so the sentence says what fine-tuning would change.
 */
export function fragilityPain(input: DecisionInput, baseline: VariantEvidence): string | null {
  const measured = input.fragility?.variants ?? {};
  const stats = measured[baseline.name];
  const limit = input.policy.max_flip_rate;
  if (!stats || stats.n_calls === 0 || stats.flip_rate_ci[0] <= limit) return null;
  const others = Object.entries(measured)
    .filter(([name, other]) => name !== baseline.name && other.n_calls > 0)
    .map(([name, other]) => `, ${name} on ${percent(other.flip_rate)}`)
    .join('');
  return (
    `${baseline.name} changes its answer on ${rateWithInterval(stats.flip_rate, stats.flip_rate_ci)} of reworded inputs` +
    `${others} (limit ${percent(limit)}, decision.max_flip_rate): prompting is fragile.`
  );
}

/**
 * What fragility says about switching: for it when the candidate is markedly steadier (the paired
 * difference's interval lies below 0), against it when the candidate is more fragile beyond the margin
 * (the interval lies above `decision.max_flip_rate`).
 */
export function fragilityContrast(
  input: DecisionInput,
  baseline: VariantEvidence,
  candidate: VariantEvidence,
): { favour: string | null; against: string | null } {
  const comparison = input.fragility?.comparisons[candidate.name];
  if (!comparison || comparison.n_cases === 0) return { favour: null, against: null };
  const [low, high] = comparison.difference_ci;
  const rates = `${candidate.name} changes its answer on ${percent(comparison.candidate_flip_rate)} of perturbed inputs, ${baseline.name} on ${percent(comparison.baseline_flip_rate)} (${points(comparison.difference)}, CI ${points(low)} to ${points(high)}, ${comparison.n_cases} paired cases)`;
  if (high < 0) return { favour: `It is steadier: ${rates}.`, against: null };
  const margin = input.policy.max_flip_rate;
  if (low > margin) {
    return {
      favour: null,
      against: `${candidate.name} is more fragile than ${baseline.name} beyond the ${points(margin)} margin (decision.max_flip_rate): ${rates}. It holds up on the dataset's wording, not on how users type.`,
    };
  }
  return { favour: null, against: null };
}
