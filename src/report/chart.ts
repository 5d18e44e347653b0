import { percent, usd } from '../format.js';
import type { SuiteResult } from './types.js';

/** Mermaid labels allow few characters; keep names readable and harmless. */
function chartLabel(name: string): string {
  return name.replace(/[^A-Za-z0-9 -]/g, '-').slice(0, 40) || 'variant';
}

function spread(value: number, low: number, high: number): number {
  if (high <= low) return 0.5;
  return 0.05 + (0.9 * (value - low)) / (high - low);
}

/**
 * Cost vs accuracy of each variant as a Mermaid quadrant chart (GitHub renders it in comments).
 * Cost is on a log scale, since a fine-tuned small model is often 10–100× cheaper.
 * Null when fewer than two variants have a known cost.
 */
export function costAccuracyChart(suite: SuiteResult): string | null {
  const points = Object.entries(suite.variants)
    .map(([name, v]) => ({ name, cost: v.metrics.cost_usd.per_1k, accuracy: v.metrics.accuracy }))
    .filter((p): p is { name: string; cost: number; accuracy: number } => p.cost !== null && p.cost > 0);
  if (points.length < 2) return null;
  const logs = points.map((p) => Math.log10(p.cost));
  const [minLog, maxLog] = [Math.min(...logs), Math.max(...logs)];
  const accuracies = points.map((p) => p.accuracy);
  const [minAcc, maxAcc] = [Math.min(...accuracies), Math.max(...accuracies)];
  const lines = [
    '```mermaid',
    'quadrantChart',
    '  title Cost per 1k requests vs accuracy',
    `  x-axis "Cheaper (${usd(10 ** minLog)})" --> "Pricier (${usd(10 ** maxLog)})"`,
    `  y-axis "Less accurate (${percent(minAcc)})" --> "More accurate (${percent(maxAcc)})"`,
    '  quadrant-1 "accurate, expensive"',
    '  quadrant-2 "accurate and cheap"',
    '  quadrant-3 "cheap, less accurate"',
    '  quadrant-4 "expensive, less accurate"',
  ];
  for (const p of points) {
    const x = spread(Math.log10(p.cost), minLog, maxLog);
    const y = spread(p.accuracy, minAcc, maxAcc);
    lines.push(`  ${chartLabel(p.name)}: [${x.toFixed(3)}, ${y.toFixed(3)}]`);
  }
  lines.push('```');
  return lines.join('\n');
}
