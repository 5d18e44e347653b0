import type { DecisionSpec, Thresholds } from '../suite/types.js';
import { monthsOf } from './lifespan.js';
import type {
  Economics,
  FineTuneOption,
  FineTuneProjection,
  VariantEconomics,
  VariantEvidence,
  VariantLifecycle,
} from './types.js';

const MONTHLY_SCALE = (perRequest: number | null, monthly: number) =>
  perRequest === null ? null : perRequest * monthly;

function variantEconomics(variant: VariantEvidence, monthlyRequests: number): VariantEconomics {
  const perRequest = variant.metrics.cost_usd.per_request;
  return {
    cost_per_request_usd: perRequest,
    monthly_cost_usd: MONTHLY_SCALE(perRequest, monthlyRequests),
    latency_p95_ms: variant.metrics.latency_ms?.p95 ?? null,
    prompt_tokens_per_request: variant.metrics.tokens.prompt_per_request,
  };
}

/**
 * Tokens one training example costs: the variant's request plus its answer. A fine-tune of a
 * prompted variant is trained without the fixed prefix (`withoutPrefix`): it no longer needs it.
 */
function tokensPerExample(variant: VariantEvidence, withoutPrefix = false): number {
  const successes = variant.metrics.n - variant.metrics.errors;
  const completionPerRequest = successes > 0 ? variant.metrics.tokens.completion / successes : 0;
  const prompt = variant.metrics.tokens.prompt_per_request - (withoutPrefix ? variant.prefix_tokens : 0);
  return Math.max(0, prompt) + completionPerRequest;
}

function trainingCost(
  policy: DecisionSpec,
  variant: VariantEvidence | null,
  examples: number,
  trainingPricePer1M: number | null,
  withoutPrefix = false,
  epochs = policy.training_epochs,
): Pick<Economics, 'training_cost_usd' | 'training_cost_basis' | 'training_tokens'> {
  if (typeof policy.training_cost_usd === 'number') {
    return { training_cost_usd: policy.training_cost_usd, training_cost_basis: 'given', training_tokens: null };
  }
  if (variant === null || trainingPricePer1M === null) {
    return { training_cost_usd: null, training_cost_basis: 'unknown', training_tokens: null };
  }
  const tokens = Math.round((policy.training_examples ?? examples) * tokensPerExample(variant, withoutPrefix) * epochs);
  return {
    training_cost_usd: (tokens * trainingPricePer1M) / 1e6,
    training_cost_basis: 'estimated',
    training_tokens: tokens,
  };
}

/**
 * Training already done is sunk; retraining on a schedule is a running cost of keeping the
 * candidate: its training cost spread over the months between runs.
 */
function retrainingPerMonth(policy: DecisionSpec, trainingCostUsd: number | null): number | null {
  if (policy.retrain_every_months === undefined) return 0;
  return trainingCostUsd === null ? null : trainingCostUsd / policy.retrain_every_months;
}

/**
 * How long the candidate can still be served, and what switching saves until then: a fine-tune
 * stops with its base, so training still to be spent must pay back before that day.
 */
function remainingLife(
  policy: DecisionSpec,
  lifecycle: VariantLifecycle | null,
  monthlySavings: number | null,
): Pick<
  Economics,
  'candidate_shutdown_date' | 'remaining_life_months' | 'savings_over_life_usd' | 'payback_horizon_months'
> {
  const days = lifecycle?.days_left ?? null;
  const months = days === null ? null : Math.max(0, monthsOf(days));
  return {
    candidate_shutdown_date: lifecycle?.shutdown_date ?? null,
    remaining_life_months: months,
    savings_over_life_usd: months === null || monthlySavings === null ? null : monthlySavings * months,
    payback_horizon_months: months === null ? policy.payback_months : Math.min(policy.payback_months, months),
  };
}

/**
 * Monthly cost of each variant at the suite's traffic, what switching saves (per month and over the
 * candidate's remaining life), what training costs and how long it takes to pay back. Nulls mean
 * "unknown" (an unknown price), never zero.
 */
export function computeEconomics(
  policy: DecisionSpec,
  thresholds: Thresholds,
  baseline: VariantEvidence,
  candidate: VariantEvidence | null,
  others: VariantEvidence[],
  examples: number,
  trainingPricePer1M: number | null,
  candidateLifecycle: VariantLifecycle | null = null,
  trainingEpochs: number = policy.training_epochs,
): Economics {
  const monthly = policy.monthly_requests;
  const variants: Record<string, VariantEconomics> = {};
  for (const variant of [baseline, ...others]) variants[variant.name] = variantEconomics(variant, monthly);
  const base = variants[baseline.name] as VariantEconomics;
  const cand = candidate ? (variants[candidate.name] as VariantEconomics) : null;
  const savingPerRequest =
    cand && base.cost_per_request_usd !== null && cand.cost_per_request_usd !== null
      ? base.cost_per_request_usd - cand.cost_per_request_usd
      : null;
  const training = trainingCost(policy, candidate, examples, trainingPricePer1M, false, trainingEpochs);
  const retraining = retrainingPerMonth(policy, training.training_cost_usd);
  const monthlySavings =
    savingPerRequest === null || retraining === null ? null : savingPerRequest * monthly - retraining;
  // One training pays back from the saving before retraining: retraining is that same cost, repeated.
  const pays = savingPerRequest !== null && savingPerRequest > 0 && training.training_cost_usd !== null;
  const latencyChange =
    cand && base.latency_p95_ms !== null && cand.latency_p95_ms !== null
      ? cand.latency_p95_ms - base.latency_p95_ms
      : null;
  return {
    monthly_requests: monthly,
    variants,
    monthly_savings_usd: monthlySavings,
    retraining_monthly_usd: retraining,
    ...training,
    break_even_requests: pays ? Math.ceil((training.training_cost_usd as number) / (savingPerRequest as number)) : null,
    payback_months:
      pays && monthly > 0 ? (training.training_cost_usd as number) / ((savingPerRequest as number) * monthly) : null,
    latency_objective_p95_ms: policy.latency_objective_p95_ms ?? thresholds.latency_p95_ms?.max ?? null,
    ...remainingLife(policy, candidate ? candidateLifecycle : null, monthlySavings),
    latency_p95_change_ms: latencyChange,
  };
}

/**
 * What fine-tuning `option` would save a month (the baseline's requests without their fixed prefix,
 * at the option's fine-tuned price), what its training costs and how long that takes to pay back.
 */
export function projectFineTune(
  policy: DecisionSpec,
  baseline: VariantEvidence,
  baselineMonthlyUsd: number | null,
  examples: number,
  option: FineTuneOption,
): FineTuneProjection {
  const monthly = policy.monthly_requests;
  const savings =
    baselineMonthlyUsd === null || option.per_request_usd === null
      ? null
      : baselineMonthlyUsd - option.per_request_usd * monthly;
  const training = trainingCost(policy, baseline, examples, option.training_per_1m_usd, true, option.training_epochs);
  const cost = training.training_cost_usd;
  return {
    platform: option.platform,
    base: option.base,
    source: option.source,
    per_request_usd: option.per_request_usd,
    monthly_savings_usd: savings,
    training_cost_usd: cost,
    training_cost_basis: training.training_cost_basis,
    payback_months: cost !== null && savings !== null && savings > 0 ? cost / savings : null,
    shutdown_date: option.shutdown_date,
  };
}
