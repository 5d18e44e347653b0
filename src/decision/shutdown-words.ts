import { usd } from '../format.js';
import { inDays, monthsText } from './lifespan.js';
import type { DecisionInput, Economics, VariantEvidence } from './types.js';

/** The variant's shutdown, when one is announced: date and days left. */
function shutdownOf(input: DecisionInput, variant: VariantEvidence) {
  const lifecycle = input.lifecycle?.[variant.name];
  if (!lifecycle?.shutdown_date || lifecycle.days_left === null) return null;
  return { date: lifecycle.shutdown_date, days: lifecycle.days_left, replacement: lifecycle.replacement };
}

/** "shuts down on 2027-01-14, in 20 days", and for a fine-tune ", with its base" (it dies with it). */
function shutsDown(variant: VariantEvidence, shutdown: { date: string; days: number }): string {
  const withBase = variant.role === 'finetuned' ? ', with its base' : '';
  return `shuts down on ${shutdown.date}, ${inDays(shutdown.days)}${withBase}`;
}

/** A candidate already shut down cannot be switched to, whatever it measured (from the cache, say). */
export function shutDownSentence(input: DecisionInput, candidate: VariantEvidence): string | null {
  const shutdown = shutdownOf(input, candidate);
  if (shutdown === null || shutdown.days > 0) return null;
  return `${candidate.name} (${candidate.model}) shut down on ${shutdown.date}: it can no longer be served.`;
}

/**
 * Training still to be spent (retraining on a schedule) must pay back before the candidate shuts
 * down and within decision.payback_months; why it does not (a clause to follow "does not pay: "), or
 * null when it does or cannot be told.
 */
export function retrainingTooSlowSentence(
  input: DecisionInput,
  candidate: VariantEvidence,
  economics: Economics,
): string | null {
  const every = input.policy.retrain_every_months;
  const payback = economics.payback_months;
  const cost = economics.training_cost_usd;
  if (every === undefined || payback === null || cost === null) return null;
  if (payback <= economics.payback_horizon_months) return null;
  const grossSaving = (economics.monthly_savings_usd ?? 0) + (economics.retraining_monthly_usd ?? 0);
  const retraining = `at ${usd(grossSaving)} a month saved, retraining it (${usd(cost)} every ${every} months) takes ${monthsText(payback)} to pay back`;
  const shutdown = shutdownOf(input, candidate);
  if (shutdown !== null && economics.payback_horizon_months < input.policy.payback_months) {
    return `${candidate.name} (${candidate.model}) ${shutsDown(candidate, shutdown)}; ${retraining}, after it is gone.`;
  }
  return `${retraining}, beyond the ${input.policy.payback_months}-month horizon (decision.payback_months).`;
}

/**
 * A retraining the candidate needs (it lost accuracy) pays back only if the base outlives the
 * payback; why not, or null when it does or cannot be told.
 */
export function retrainingOutlivedSentence(
  input: DecisionInput,
  candidate: VariantEvidence,
  economics: Economics,
): string | null {
  const shutdown = shutdownOf(input, candidate);
  const payback = economics.payback_months;
  const life = economics.remaining_life_months;
  if (shutdown === null || payback === null || life === null || payback <= life) return null;
  return `Retraining it (${usd(economics.training_cost_usd)}) takes ${monthsText(payback)} to pay back, but it ${shutsDown(candidate, shutdown)}: do not retrain it there; fine-tune a base that is still served.`;
}

/**
 * A candidate that saves money but shuts down: switching still saves until that day, and the team
 * must plan where to go next.
 */
export function planMoveSentence(
  input: DecisionInput,
  candidate: VariantEvidence,
  economics: Economics,
): string | null {
  const shutdown = shutdownOf(input, candidate);
  if (shutdown === null || shutdown.days <= 0) return null;
  const savings = economics.monthly_savings_usd;
  const overLife = economics.savings_over_life_usd;
  const saves =
    savings !== null && savings > 0 && overLife !== null
      ? `; at ${usd(savings)} a month saved, switching saves about ${usd(overLife)} until then`
      : '';
  const replacement = shutdown.replacement === null ? '' : ` (the platform suggests ${shutdown.replacement})`;
  return `${candidate.name} (${candidate.model}) ${shutsDown(candidate, shutdown)}${saves}. Plan the move now${replacement}: fine-tune a base that is still served and evaluate it here before that day.`;
}

/** The prompted baseline is leaving too: its prompt must move to a served model. */
export function baselineShutdownSentence(input: DecisionInput, baseline: VariantEvidence): string | null {
  const shutdown = shutdownOf(input, baseline);
  if (shutdown === null) return null;
  const replacement = shutdown.replacement === null ? '' : `; the platform suggests ${shutdown.replacement}`;
  const when = shutdown.days > 0 ? shutsDown(baseline, shutdown) : `shut down on ${shutdown.date}`;
  return `${baseline.name} (${baseline.model}) ${when}${replacement}: move its prompt to a served model and evaluate it here before then.`;
}
