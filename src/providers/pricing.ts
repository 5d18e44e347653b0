import type { PriceSpec } from '../suite/types.js';
import type { TokenUsage } from './types.js';

type TokenPrice = { input: number; cached_input?: number; output: number };

/** USD per 1M tokens from OpenAI's published pricing (input / cached input / output). */
const BASE_PRICES: Record<string, TokenPrice> = {
  'gpt-4o': { input: 2.5, cached_input: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cached_input: 0.075, output: 0.6 },
  'gpt-4.1': { input: 2, cached_input: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cached_input: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cached_input: 0.025, output: 0.4 },
  'gpt-5': { input: 1.25, cached_input: 0.125, output: 10 },
  'gpt-5.1': { input: 1.25, cached_input: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cached_input: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cached_input: 0.005, output: 0.4 },
  o3: { input: 2, cached_input: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cached_input: 0.275, output: 4.4 },
};

/** Fine-tunable bases: training USD per 1M trained tokens, then inference rates of the fine-tuned model. */
const FINE_TUNED: Record<string, { training: number; inference: TokenPrice }> = {
  'gpt-4.1': { training: 25, inference: { input: 3, cached_input: 0.75, output: 12 } },
  'gpt-4.1-mini': { training: 5, inference: { input: 0.8, cached_input: 0.2, output: 3.2 } },
  'gpt-4.1-nano': { training: 1.5, inference: { input: 0.2, cached_input: 0.05, output: 0.8 } },
  'gpt-4o': { training: 25, inference: { input: 3.75, cached_input: 1.875, output: 15 } },
  'gpt-4o-mini': { training: 3, inference: { input: 0.3, cached_input: 0.15, output: 1.2 } },
};

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/** `gpt-4.1-2025-04-14` → `gpt-4.1`; other ids unchanged. */
export function withoutDate(model: string): string {
  return model.replace(DATE_SUFFIX, '');
}

/** The base model of a fine-tuned id (`ft:<base>:org:suffix:id`), without its date; null for other ids. */
export function fineTunedBase(model: string): string | null {
  if (!model.startsWith('ft:')) return null;
  const base = model.split(':')[1];
  return base ? withoutDate(base) : null;
}

/** Price of a model: the suite's override first, then the built-in table; null when unknown (never 0). */
export function resolvePrice(model: string, overrides: Record<string, PriceSpec>): PriceSpec | null {
  const override = overrides[model];
  if (override) return override;
  const ftBase = fineTunedBase(model);
  if (ftBase !== null) return FINE_TUNED[ftBase]?.inference ?? null;
  return BASE_PRICES[model] ?? BASE_PRICES[withoutDate(model)] ?? null;
}

/** USD per 1M training tokens for a fine-tunable base (or the base of an `ft:` id); null when unknown. */
export function trainingPricePer1M(model: string): number | null {
  const base = fineTunedBase(model) ?? withoutDate(model);
  return FINE_TUNED[base]?.training ?? null;
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

function usd(value: number): string {
  return `$${Number(value.toFixed(4))}`;
}

/** One line for reports, e.g. `$2 in / $0.5 cached / $8 out per 1M tokens`. */
export function describePrice(price: PriceSpec | null): string {
  if (price === null) return 'price unknown';
  if ('per_hour' in price) {
    const perRequest = price.requests_per_hour ? ` (${price.requests_per_hour} requests/hour)` : '';
    return `${usd(price.per_hour)} per hour${perRequest}`;
  }
  const cached = price.cached_input === undefined ? '' : ` / ${usd(price.cached_input)} cached`;
  return `${usd(price.input)} in${cached} / ${usd(price.output)} out per 1M tokens`;
}
