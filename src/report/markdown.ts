import type { HistoryRun } from '../history/types.js';
import { baseStatusLine, renderBaseComparison } from './base-markdown.js';
import { batchSummaryText } from './batch-text.js';
import { costAccuracyChart } from './chart.js';
import { driftMarkdown } from './drift-report.js';
import { codeSpan, escapeMarkdownInline } from './escape.js';
import {
  accuracyWithInterval,
  errorCount,
  milliseconds,
  priceWithSource,
  thresholdLabel,
  thresholdValue,
  usd,
} from './format.js';
import { fragileCasesBlock, fragilityBlocks } from './fragility-markdown.js';
import { fragilitySpent } from './fragility-text.js';
import { lifecycleLines } from './lifecycle-text.js';
import { type MarkdownBlock, renderBlocks, textBlock } from './markdown-blocks.js';
import { outOfScopeLines } from './out-of-scope-text.js';
import { cacheModeText, runtimeFailure, stopReason } from './run-status.js';
import { sequentialLine } from './sequential-text.js';
import { simulatedNote } from './simulated-note.js';
import { suiteTrendBlock } from './trend-chart.js';
import type { RunResults, SuiteResult } from './types.js';
import { comparisonTable, economicsTable, flippedSections, verdictBlock } from './verdict-markdown.js';

function variantTable(suite: SuiteResult): string[] {
  const lines = [
    '| variant | role | model | n | errors | accuracy [95% CI] | p50 | p95 | cost / 1k req | monthly cost | prompt tokens / req | gates |',
    '|---|---|---|--:|--:|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const [name, variant] of Object.entries(suite.variants)) {
    const m = variant.metrics;
    const gates = variant.thresholds.length === 0 ? '–' : variant.passed ? '✅ pass' : '❌ fail';
    lines.push(
      `| ${escapeMarkdownInline(name)} | ${variant.role} | ${codeSpan(variant.model)} | ${m.n} | ${errorCount(m)} | ${accuracyWithInterval(m)} | ${milliseconds(m.latency_ms?.p50)} | ${milliseconds(m.latency_ms?.p95)} | ${usd(m.cost_usd.per_1k)} | ${usd(suite.economics.variants[name]?.monthly_cost_usd ?? null)} | ${Math.round(m.tokens.prompt_per_request)} | ${gates} |`,
    );
  }
  return lines;
}

/** What each variant's cost is priced at, and from where: the figures in the table above are only as good. */
function priceLine(suite: SuiteResult): string {
  const prices = Object.entries(suite.variants).map(
    ([name, variant]) => `**${escapeMarkdownInline(name)}** ${escapeMarkdownInline(priceWithSource(variant), 300)}`,
  );
  return `<sub>Prices: ${prices.join(' · ')}</sub>`;
}

function failedGates(suite: SuiteResult): string[] {
  const lines: string[] = [];
  for (const [name, variant] of Object.entries(suite.variants)) {
    for (const t of variant.thresholds.filter((result) => !result.pass)) {
      lines.push(
        `- ❌ **${escapeMarkdownInline(name)}**: ${thresholdLabel(t.metric, t.op, t.limit)}, got ${thresholdValue(t.metric, t.actual)}`,
      );
    }
  }
  return lines;
}

export interface MarkdownOptions {
  /** The run history, this run included: each suite gets its trend chart (see trend-chart.ts). */
  history?: readonly HistoryRun[];
}

/** The Markdown report as blocks, so a limit can shorten it by structure (see markdown-blocks.ts). */
export function renderMarkdownBlocks(results: RunResults, options: MarkdownOptions = {}): MarkdownBlock[] {
  const head = ['## tunegate results', ''];
  const failure = runtimeFailure(results);
  if (failure !== null) {
    head.push('> [!CAUTION]', `> **Run failed**: ${escapeMarkdownInline(failure, 600)}.`, '');
  }
  const simulated = simulatedNote(results);
  if (simulated) {
    const title = simulated.partly ? 'Partly simulated run' : 'Simulated run';
    head.push('> [!NOTE]', `> **${title}**: ${escapeMarkdownInline(simulated.text, 600)}`, '');
  }
  if (results.base) {
    head.push(`**${baseStatusLine(results.base)}**`, '');
  }
  const blocks = [textBlock(head)];
  for (const suite of results.suites) {
    const status = suite.passed ? '✅' : '❌';
    const lines = [`### ${status} ${escapeMarkdownInline(suite.name)}`, ''];
    if (suite.description) lines.push(escapeMarkdownInline(suite.description, 500), '');
    lines.push(...verdictBlock(suite), ...driftMarkdown(suite));
    const sequential = sequentialLine(suite);
    if (sequential) lines.push(`Sequential: ${escapeMarkdownInline(sequential)}`, '');
    lines.push(
      `${suite.dataset.cases} cases · task: ${suite.task}${suite.dataset.sampled ? ' · seeded sample' : ''}`,
      '',
    );
    lines.push(...variantTable(suite), '', priceLine(suite), '');
    const outOfScope = outOfScopeLines(
      suite,
      (name, text) => `- **${escapeMarkdownInline(name)}** ${text}`,
      (label) => codeSpan(label),
    );
    if (outOfScope.length > 0) lines.push(...outOfScope, '');

    const failures = failedGates(suite);
    if (failures.length > 0) lines.push(...failures, '');
    const shutdowns = lifecycleLines(
      suite,
      (name, sentence, shutDown) => `- ${shutDown ? '⛔' : '⏳'} **${escapeMarkdownInline(name)}**: ${sentence}.`,
      (id) => codeSpan(id),
    );
    if (shutdowns.length > 0) lines.push(...shutdowns, '');
    if (results.base) lines.push(...renderBaseComparison(results.base, suite.name));
    lines.push(...comparisonTable(suite), ...economicsTable(suite));
    blocks.push(textBlock(lines));
    const chart = costAccuracyChart(suite);
    if (chart) blocks.push({ kind: 'chart', lines: [...chart.split('\n'), ''] });
    const trend = options.history ? suiteTrendBlock(options.history, suite.name) : null;
    if (trend) blocks.push(trend);
    blocks.push(...fragilityBlocks(suite), ...flippedSections(suite));
    const fragile = fragileCasesBlock(suite);
    if (fragile) blocks.push(fragile);
  }
  const tail: string[] = [];
  const skipped = results.base?.suites.filter((s) => s.status === 'skipped').map((s) => escapeMarkdownInline(s.suite));
  if (skipped && skipped.length > 0) tail.push(`Skipped (no changed file touches them): ${skipped.join(', ')}.`, '');
  const s = results.summary;
  const stopped = stopReason(results);
  tail.push(
    `<sub>${s.calls} calls · ${s.errors} errors · ${s.cached} from cache · ${usd(s.spent_usd)} spent${fragilitySpent(results)} · ${(results.duration_ms / 1000).toFixed(1)} s · ${cacheModeText(results.cache_mode)}${stopped ? ` · stopped: ${stopped}` : ''}</sub>`,
  );
  const batchLine = batchSummaryText(results);
  if (batchLine) tail.push('', `<sub>${escapeMarkdownInline(batchLine)}</sub>`);
  blocks.push(textBlock(tail));
  return blocks;
}

/** The Markdown summary (job summary, PR comment body, or a file). */
export function renderMarkdownReport(results: RunResults, options: MarkdownOptions = {}): string {
  return renderBlocks(renderMarkdownBlocks(results, options));
}
