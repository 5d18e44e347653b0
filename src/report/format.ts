import type { VariantMetrics } from '../scoring/types.js';

/** Shared number formatting for the console and Markdown reports. */
export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function accuracyWithInterval(metrics: VariantMetrics): string {
  const [low, high] = metrics.accuracy_ci;
  return `${percent(metrics.accuracy)} [${percent(low)}, ${percent(high)}]`;
}

export function usd(value: number | null): string {
  if (value === null) return 'price unknown';
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toFixed(2)}`;
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
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
