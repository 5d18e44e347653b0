import { usd } from '../format.js';
import { costOfCall, RUNNER_PRICE } from '../providers/pricing.js';
import type { TokenUsage } from '../providers/types.js';
import type { PriceSpec } from '../suite/types.js';
import type { FineTuneOption } from './types.js';

/** The fine-tune option of `training.backend: { type: local }`: a classifier trained and served on the runner. */
export const LOCAL_PLATFORM = 'local';
export const LOCAL_BASE = 'local classifier';

/**
 * Runner time one request takes: the p95 of a prediction through tunegate's server, one call at a time,
 * measured by bench/local-serve.mjs on a loaded shared 2-core machine on 2026-12-02 (its p50 was 0.92 ms).
 * The p95 rather than the p50: the price is then never flattering, and it includes the loopback round trip.
 */
export const LOCAL_PREDICTION_MS = 2.27;

/**
 * Runner time of a training: bench/local-classifier.mjs trained on CLINC150's 15,000 in-scope train rows in
 * 14.4 s (shared 2-core machine, 2026-12-02), every optimiser epoch and the early stopping included. Those rows
 * are 334,154 tokens as the training set counts them (countMessageTokens of each row's user message and label,
 * o200k_base, no system prompt: a fine-tune is priced on the requests without their fixed prefix).
 */
const BENCH_TRAINING_SECONDS = 14.4;
const BENCH_TRAINING_TOKENS = 334_154;

/** How the option's prices were reached, for the verdict's "(prices: …)". */
function localSource(priceSource: string): string {
  return `${priceSource}; ${LOCAL_PREDICTION_MS} ms of runner time per request (p95 through tunegate's server, bench/local-serve.mjs, 2026-12-02); training ${BENCH_TRAINING_SECONDS} s per ${BENCH_TRAINING_TOKENS.toLocaleString('en-US')} tokens (15,000 CLINC150 rows, bench/local-classifier.mjs, 2026-12-02), estimated`;
}

/**
 * The local classifier as a fine-tune option, priced at `price` (the runner rate, or the suite's
 * pricing of its local models): each request costs its prediction time, a training its runner time.
 * It never retires, so it has no training deadline and no shutdown.
 */
export function localClassifierOption(
  price: PriceSpec,
  priceSource: string,
  usage: TokenUsage,
  configured: boolean,
): FineTuneOption {
  // Runner time is what a training costs; a per-token price of a served local model says nothing of it.
  const perHour = 'per_hour' in price ? price.per_hour : RUNNER_PRICE.per_hour;
  const trainingUsd = (perHour * BENCH_TRAINING_SECONDS) / 3600;
  return {
    platform: LOCAL_PLATFORM,
    base: LOCAL_BASE,
    training_per_1m_usd: (trainingUsd * 1e6) / BENCH_TRAINING_TOKENS,
    // The measured time covers every epoch: decision.training_epochs (a provider's epochs) must not multiply it.
    training_epochs: 1,
    per_request_usd: costOfCall(price, usage, LOCAL_PREDICTION_MS),
    trainable_until: null,
    shutdown_date: null,
    days_left: null,
    configured,
    source: localSource(priceSource),
  };
}

export function isLocalOption(option: FineTuneOption): boolean {
  return option.platform === LOCAL_PLATFORM;
}

const SET_UP = 'set training.backend: { type: local } and serve it from a provider with local: true';
const MEASURED =
  'its accuracy is unknown until measured: after tunegate train, the next run (tunegate promote) measures it against the prompted model.';

/** What the verdict says of a local classifier it recommends: what it is, and that its accuracy is not known yet. */
export function localRecommendationSentence(configured: boolean): string {
  const setUp = configured ? '' : ` To try it, ${SET_UP}.`;
  return `It runs on the runner itself, with no provider and no key, and never retires; ${MEASURED}${setUp}`;
}

/**
 * One sentence when another backend is recommended but the local classifier would cost less: what it
 * would cost a month and how to try it.
 */
export function cheaperLocalSentence(local: FineTuneOption, monthlyRequests: number): string {
  const monthly = local.per_request_usd === null ? null : local.per_request_usd * monthlyRequests;
  return `A fine-tuned local classifier on the runner would be the cheapest option: about ${usd(monthly)} a month at ${monthlyRequests.toLocaleString('en-US')} requests, trained in seconds with no provider. To try it, ${SET_UP}; ${MEASURED}`;
}
