import type { OutOfScopeMetrics } from '../scoring/types.js';
import { percent } from './format.js';
import type { SuiteResult } from './types.js';

const count = (value: number) => value.toLocaleString('en-US');

/** `out of scope (oos): recall 21.9% [19.5%, 24.5%] (219/1,000), in-scope accuracy 92.6%, 12 false alarms` */
export function outOfScopeText(metrics: OutOfScopeMetrics, showLabel: (label: string) => string): string {
  const [low, high] = metrics.recall_ci;
  const alarms = `${count(metrics.false_alarms)} false alarm${metrics.false_alarms === 1 ? '' : 's'}`;
  return (
    `out of scope (${showLabel(metrics.label)}): recall ${percent(metrics.recall)} [${percent(low)}, ${percent(high)}] ` +
    `(${count(metrics.detected)}/${count(metrics.cases)}), in-scope accuracy ${percent(metrics.in_scope_accuracy)}, ${alarms}`
  );
}

/**
 * One line per variant that has out-of-scope metrics, formatted by `line(variant name, text)`; the
 * label comes from the dataset, so the caller says how to show it safely.
 */
export function outOfScopeLines(
  suite: SuiteResult,
  line: (name: string, text: string) => string,
  showLabel: (label: string) => string,
): string[] {
  return Object.entries(suite.variants).flatMap(([name, variant]) =>
    variant.metrics.out_of_scope ? [line(name, outOfScopeText(variant.metrics.out_of_scope, showLabel))] : [],
  );
}
