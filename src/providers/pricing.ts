import { exactUsd } from '../format.js';
import type { Platform, PriceSpec, ProviderSpec, VariantSpec } from '../suite/types.js';
import { fineTuneOffer, offerPriceSource } from './fine-tune-prices.js';
import { GENAI_PRICES_SOURCE, genaiPrice } from './genai-prices.js';
import { baseModelOf, platformOf } from './platform.js';
import type { TokenUsage } from './types.js';

/** What pricing needs to know of a model: its id, who serves it, and the base it was fine-tuned from. */
export interface PriceQuery {
  model: string;
  /** From the provider (see platformOf); null for a server of unknown platform. */
  platform: Platform | null;
  /** For a fine-tuned model (see baseModelOf); null for a base model. */
  base_model: string | null;
  /** Served by tunegate itself on the runner (a provider with `local: true`): priced per hour of the runner. */
  local?: boolean;
}

/** A price and where it comes from: `suite`, `genai-prices x.y.z` or `built-in ft table (as of DATE)`. */
export interface ResolvedPrice {
  price: PriceSpec | null;
  source: string | null;
}

export const SUITE_PRICE_SOURCE = 'suite';

/**
 * A local model costs the runner's time: GitHub's published rate for the hosted Linux 2-core runner,
 * $0.006 per minute from January 1, 2026 (docs.github.com/en/billing/reference/actions-runner-pricing,
 * its "standard runners" table; read 2026-12-02), as $ per hour. A suite's `pricing:` entry overrides it.
 */
export const RUNNER_PRICE = { per_hour: 0.36 } satisfies PriceSpec; // $0.006 × 60 minutes
export const RUNNER_PRICE_SOURCE =
  'GitHub-hosted Linux 2-core runner rate, $0.006/min (docs.github.com/en/billing/reference/actions-runner-pricing, as of 2026-12-02)';
const UNKNOWN: ResolvedPrice = { price: null, source: null };

/** The price query of a suite's variant: its model, its provider's platform, its base model. */
export function priceQueryOf(
  suite: { providers: Record<string, Pick<ProviderSpec, 'platform' | 'base_url' | 'local'>> },
  variant: Pick<VariantSpec, 'model' | 'base_model' | 'provider'>,
): PriceQuery {
  const provider = suite.providers[variant.provider];
  const query = {
    model: variant.model,
    platform: provider ? platformOf(provider) : null,
    base_model: baseModelOf(variant),
  };
  return provider?.local === true ? { ...query, local: true } : query;
}

/**
 * Price of a model: the suite's `pricing:` entry first; a local model at the runner's hourly rate; a
 * fine-tuned model at the built-in fine-tune rates of its base on its platform; a base model at genai-prices' rates. Null when unknown (never $0):
 * a fine-tuned model is never priced as its base, whose rates differ.
 */
export function resolvePrice(query: PriceQuery, overrides: Record<string, PriceSpec>): ResolvedPrice {
  const override = overrides[query.model];
  if (override) return { price: override, source: SUITE_PRICE_SOURCE };
  if (query.local === true) return { price: RUNNER_PRICE, source: RUNNER_PRICE_SOURCE };
  if (query.base_model !== null) {
    const offer = fineTuneOffer(query.platform, query.base_model);
    return offer ? { price: offer.inference, source: offerPriceSource(offer) } : UNKNOWN;
  }
  const price = genaiPrice(query.model, query.platform);
  return price ? { price, source: GENAI_PRICES_SOURCE } : UNKNOWN;
}

/** USD per 1M training tokens for fine-tuning `base` on `platform`; null when the built-in table lacks it. */
export function trainingPricePer1M(base: string, platform: Platform | null): number | null {
  return fineTuneOffer(platform, base)?.training_per_1m_usd ?? null;
}

/**
 * USD cost of one call. Token prices: uncached prompt tokens at the input rate, cached ones at the
 * cached rate, completion tokens at the output rate. Hourly prices: the hour split over
 * `requests_per_hour` when given, else the share of the hour the call took.
 */
export function costOfCall(price: PriceSpec | null, usage: TokenUsage | null, latencyMs: number | null): number | null {
  if (price === null) return null;
  if ('per_hour' in price) {
    if (price.requests_per_hour !== undefined && price.requests_per_hour > 0) {
      return price.per_hour / price.requests_per_hour;
    }
    return latencyMs === null ? null : (price.per_hour * latencyMs) / 3_600_000;
  }
  if (usage === null) return null;
  const cached = Math.min(usage.cached, usage.prompt);
  const uncached = usage.prompt - cached;
  const cachedRate = price.cached_input ?? price.input;
  return (uncached * price.input + cached * cachedRate + usage.completion * price.output) / 1e6;
}

/** One line for reports, e.g. `$2 in / $0.5 cached / $8 out per 1M tokens`. */
export function describePrice(price: PriceSpec | null): string {
  if (price === null) return 'price unknown';
  if ('per_hour' in price) {
    const perRequest = price.requests_per_hour ? ` (${price.requests_per_hour} requests/hour)` : '';
    return `${exactUsd(price.per_hour)} per hour${perRequest}`;
  }
  const cached = price.cached_input === undefined ? '' : ` / ${exactUsd(price.cached_input)} cached`;
  return `${exactUsd(price.input)} in${cached} / ${exactUsd(price.output)} out per 1M tokens`;
}
