import { batchSummaryText } from './batch-text.js';
import { driftConsoleLines, historyConsoleLines } from './drift-report.js';
import { oneLine } from './escape.js';
import {
  accuracyWithInterval,
  errorCount,
  milliseconds,
  percent,
  priceWithSource,
  thresholdLabel,
  thresholdValue,
  usd,
} from './format.js';
import { fragilityConsoleLines } from './fragility-console.js';
import { fragilitySpent } from './fragility-text.js';
import { lifecycleLines } from './lifecycle-text.js';
import { outOfScopeLines } from './out-of-scope-text.js';
import { cacheModeText, outcomeLine, stopReason } from './run-status.js';
import { sequentialLine } from './sequential-text.js';
import { simulatedNote, suiteSimulatedMark } from './simulated-note.js';
import { padTable } from './text-table.js';
import type { RunResults, SuiteResult } from './types.js';

const COLUMNS = ['variant', 'role', 'model', 'n', 'errors', 'accuracy [95% CI]', 'p50', 'p95', 'cost/1k', 'gates'];

/** Text from data on one line of the report: no control characters, no newline, no workflow command. */

function suiteLines(suite: SuiteResult): string[] {
  const rows = [COLUMNS];
  const failures: string[] = [];
  for (const [name, variant] of Object.entries(suite.variants)) {
    const m = variant.metrics;
    rows.push([
      oneLine(name),
      variant.role,
      oneLine(variant.model),
      String(m.n),
      errorCount(m),
      accuracyWithInterval(m),
      milliseconds(m.latency_ms?.p50),
      milliseconds(m.latency_ms?.p95),
      usd(m.cost_usd.per_1k),
      variant.thresholds.length === 0 ? '–' : variant.passed ? 'pass' : 'FAIL',
    ]);
    for (const t of variant.thresholds.filter((result) => !result.pass)) {
      failures.push(
        `  ✗ ${oneLine(name)}: ${thresholdLabel(t.metric, t.op, t.limit)}, got ${thresholdValue(t.metric, t.actual)}`,
      );
    }
  }
  const header = `${oneLine(suite.name)}${oneLine(suiteSimulatedMark(suite))} — ${suite.dataset.cases} cases, ${suite.task}`;
  const { verdict } = suite;
  const sequential = sequentialLine(suite);
  const confidence = verdict.confidence === null ? '' : ` (confidence ${percent(verdict.confidence)})`;
  return [
    header,
    ...padTable(rows).map((line) => `  ${line}`),
    ...Object.entries(suite.variants).map(
      ([name, variant]) => `  price of ${oneLine(name)}: ${oneLine(priceWithSource(variant))}`,
    ),
    ...outOfScopeLines(suite, (name, text) => `  ${oneLine(name)}: ${text}`, oneLine),
    ...failures,
    ...fragilityConsoleLines(suite),
    ...lifecycleLines(suite, (name, sentence) => `  ⏳ ${oneLine(name)}: ${sentence}`, oneLine),
    ...(sequential ? [`  sequential: ${oneLine(sequential)}`] : []),
    `  verdict: ${verdict.decision.toUpperCase()}${confidence}${verdict.fails ? ' — fails this run (decision.fail_on)' : ''}`,
    ...verdict.reasons.map((reason) => `    - ${oneLine(reason)}`),
    ...driftConsoleLines(suite),
  ];
}

/** The per-variant table printed at the end of `tunegate run`. */
export function renderConsoleReport(results: RunResults): string {
  const lines: string[] = [];
  const simulated = simulatedNote(results);
  if (simulated) lines.push(`SIMULATED: ${oneLine(simulated.text)}`, '');
  for (const suite of results.suites) lines.push(...suiteLines(suite), '');
  const s = results.summary;
  const stopped = stopReason(results);
  const batchLine = batchSummaryText(results);
  lines.push(...historyConsoleLines(results.history));
  lines.push(
    `${s.calls} calls, ${s.errors} errors${s.recovered > 0 ? ` (${s.recovered} recovered on retry)` : ''}, ${s.cached} from cache, ${usd(s.spent_usd)} spent${fragilitySpent(results)} in ${(results.duration_ms / 1000).toFixed(1)} s` +
      (stopped ? ` — stopped: ${stopped}` : ''),
    ...(batchLine ? [batchLine] : []),
    cacheModeText(results.cache_mode),
    outcomeLine(results),
  );
  return lines.join('\n');
}
