import { milliseconds, percent, points, usd } from '../format.js';
import type { VariantMetrics } from '../scoring/types.js';
import type { VariantResult } from './types.js';

export { milliseconds, percent, points, usd };

export function accuracyWithInterval(metrics: VariantMetrics): string {
  const [low, high] = metrics.accuracy_ci;
  return `${percent(metrics.accuracy)} [${percent(low)}, ${percent(high)}]`;
}

/** Errors with their share when there are any: `3 (1.5%)`. */
export function errorCount(metrics: VariantMetrics): string {
  return metrics.errors === 0 ? '0' : `${metrics.errors} (${percent(metrics.error_rate)})`;
}

export function thresholdLabel(metric: string, op: 'min' | 'max', limit: number): string {
  const bound = op === 'min' ? '≥' : '≤';
  return `${metric} ${bound} ${limit}`;
}

export function thresholdValue(metric: string, value: number | null): string {
  if (value === null) return 'n/a';
  if (metric === 'accuracy' || metric === 'macro_f1' || metric === 'error_rate') return percent(value);
  if (metric.includes('usd')) return usd(value);
  if (metric.includes('_ms')) return milliseconds(value);
  return String(value);
}

/** A variant's price and where it comes from: `$2 in / $8 out per 1M tokens (genai-prices 0.1.8)`. */
export function priceWithSource(variant: Pick<VariantResult, 'price' | 'price_source'>): string {
  // Results written before prices named their source have none.
  return variant.price_source ? `${variant.price} (${variant.price_source})` : variant.price;
}
