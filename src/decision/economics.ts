import type { DecisionSpec, Thresholds } from '../suite/types.js';
import type { Economics, VariantEconomics, VariantEvidence } from './types.js';

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

/** Tokens one training example costs: the candidate's request as served plus its answer. */
function tokensPerExample(candidate: VariantEvidence): number {
  const successes = candidate.metrics.n - candidate.metrics.errors;
  const completionPerRequest = successes > 0 ? candidate.metrics.tokens.completion / successes : 0;
  return candidate.metrics.tokens.prompt_per_request + completionPerRequest;
}

function trainingCost(
  policy: DecisionSpec,
  candidate: VariantEvidence | null,
  examples: number,
  trainingPricePer1M: number | null,
): Pick<Economics, 'training_cost_usd' | 'training_cost_basis' | 'training_tokens'> {
  if (typeof policy.training_cost_usd === 'number') {
    return { training_cost_usd: policy.training_cost_usd, training_cost_basis: 'given', training_tokens: null };
  }
  if (candidate === null || trainingPricePer1M === null) {
    return { training_cost_usd: null, training_cost_basis: 'unknown', training_tokens: null };
  }
  const tokens = Math.round(
    (policy.training_examples ?? examples) * tokensPerExample(candidate) * policy.training_epochs,
  );
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
 * Monthly cost of each variant at the suite's traffic, what switching saves, what training costs
 * and how long it takes to pay back. Nulls mean "unknown" (an unknown price), never zero.
 */
export function computeEconomics(
  policy: DecisionSpec,
  thresholds: Thresholds,
  baseline: VariantEvidence,
  candidate: VariantEvidence | null,
  others: VariantEvidence[],
  examples: number,
  trainingPricePer1M: number | null,
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
  const training = trainingCost(policy, candidate, examples, trainingPricePer1M);
  const retraining = retrainingPerMonth(policy, training.training_cost_usd);
  const monthlySavings =
    savingPerRequest === null || retraining === null ? null : savingPerRequest * monthly - retraining;
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
      pays && monthlySavings !== null && monthlySavings > 0
        ? (training.training_cost_usd as number) / monthlySavings
        : null,
    latency_objective_p95_ms: policy.latency_objective_p95_ms ?? thresholds.latency_p95_ms?.max ?? null,
    latency_p95_change_ms: latencyChange,
  };
}
