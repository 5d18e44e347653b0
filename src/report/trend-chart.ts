import type { HistoryRun } from '../history/types.js';
import { codeSpan, escapeMarkdownInline, stripControl } from './escape.js';
import { historyBySuite, type SuiteHistory, seriesColour, variantOf } from './history-series.js';
import { type MarkdownBlock, renderBlocks, textBlock } from './markdown-blocks.js';

/** How many of a suite's latest runs the job summary charts. */
export const TREND_RUNS = 30;

/** Under the accuracy and cost lines, a column at each drifted run (the first bar series). */
const DRIFT_COLUMN = '#f6c9c9';

/**
 * Mermaid's xychart has no legend and colours its series by their order: each chart gets the palette of
 * the series it draws, so a variant has the same colour in every chart and the text can name it. Wider
 * than the default so 30 runs' labels do not overlap.
 */
export function mermaidInit(palette: readonly string[], size = { width: 900, height: 420 }): string {
  return `%%{init: {"xyChart": {"width": ${size.width}, "height": ${size.height}, "xAxis": {"labelFontSize": 12}}, "themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(', ')}"}}}}%%`;
}

/**
 * Text inside a quoted Mermaid string: no quote can end it and nothing Mermaid reads as markup, entity
 * or directive survives (`"`, `#`, `;`, `<`, brackets...), only letters, digits and a few signs.
 */
export function mermaidText(text: string, maxLength = 40): string {
  const cleaned = stripControl(text)
    .replace(/[^\p{L}\p{N} ._:/()+%⚠-]/gu, '-')
    // `%%` starts a Mermaid comment or directive.
    .replace(/%{2,}/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
  return clipped || '-';
}

/** Mermaid reads plain decimals only (no exponent, no NaN): fixed-point with the given decimals. */
function decimal(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/** Enough decimals for three significant digits of the largest value. */
function decimalsFor(largest: number): number {
  if (largest <= 0) return 2;
  return Math.min(10, Math.max(2, 2 - Math.floor(Math.log10(largest))));
}

/** A gap (no answer, price unknown, variant absent) repeats the nearest earlier value: Mermaid has no null. */
function withGapsFilled(values: (number | null)[]): { values: number[]; gaps: boolean } | null {
  const first = values.find((value) => value !== null);
  if (first === undefined || first === null) return null;
  let last = first;
  const filled = values.map((value) => {
    if (value !== null) last = value;
    return last;
  });
  return { values: filled, gaps: values.includes(null) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * x-axis labels, short enough for 30 to fit: the day of the month, with the month where it changes,
 * ⚠ where the run drifted, and made unique (Mermaid merges equal categories).
 */
function runLabels(runs: readonly HistoryRun[]): string[] {
  const seen = new Map<string, number>();
  let month = '';
  return runs.map((run, index) => {
    const parts = /^\d{4}-(\d{2})-(\d{2})/.exec(run.date);
    let day = `run ${index + 1}`;
    if (parts) {
      const name = MONTHS[Number(parts[1]) - 1] ?? '';
      day = name === month ? String(Number(parts[2])) : `${name} ${Number(parts[2])}`;
      month = name;
    }
    const base = run.drift === 'drift' ? `⚠${day}` : day;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

interface Series {
  variant: number;
  /** As Mermaid reads them: fixed-point decimals. */
  values: string[];
}

function xyChart(
  title: string,
  runs: readonly HistoryRun[],
  axis: string,
  range: [string, string],
  series: Series[],
): string[] {
  const drifted = runs.some((run) => run.drift === 'drift');
  const palette = [...(drifted ? [DRIFT_COLUMN] : []), ...series.map((s) => seriesColour(s.variant).hex)];
  return [
    '```mermaid',
    mermaidInit(palette),
    'xychart-beta',
    `  title "${mermaidText(title, 80)}"`,
    `  x-axis [${runLabels(runs)
      .map((label) => `"${mermaidText(label)}"`)
      .join(', ')}]`,
    `  y-axis "${mermaidText(axis)}" ${range[0]} --> ${range[1]}`,
    // A bar from the bottom to the top of the axis at each drifted run, drawn first so the lines stay on top.
    ...(drifted ? [`  bar [${runs.map((run) => (run.drift === 'drift' ? range[1] : range[0])).join(', ')}]`] : []),
    ...series.map((s) => `  line [${s.values.join(', ')}]`),
    '```',
  ];
}

/** A line for each variant that has a value in at least one of the runs. */
function seriesOf(
  history: SuiteHistory,
  runs: readonly HistoryRun[],
  pick: (run: HistoryRun, variant: string) => number | null,
  format: (value: number) => string,
): { series: Series[]; gaps: boolean; values: number[] } {
  const series: Series[] = [];
  let gaps = false;
  const all: number[] = [];
  history.variants.forEach((variant, index) => {
    const filled = withGapsFilled(runs.map((run) => pick(run, variant)));
    if (filled === null) return;
    gaps ||= filled.gaps;
    all.push(...filled.values);
    series.push({ variant: index, values: filled.values.map(format) });
  });
  return { series, gaps, values: all };
}

function accuracyChart(history: SuiteHistory, runs: readonly HistoryRun[], driftNote: string) {
  const { series, gaps, values } = seriesOf(
    history,
    runs,
    (run, variant) => variantOf(run, variant)?.accuracy ?? null,
    (value) => decimal(value * 100, 1),
  );
  if (series.length === 0) return null;
  const low = Math.max(0, Math.floor(Math.min(...values) * 100 - 1));
  const high = Math.min(100, Math.ceil(Math.max(...values) * 100 + 1));
  const lines = xyChart(`Accuracy (%)${driftNote}`, runs, 'accuracy (%)', [String(low), String(high)], series);
  return { lines, series, gaps };
}

function costChart(history: SuiteHistory, runs: readonly HistoryRun[], driftNote: string) {
  const raw = history.variants.flatMap((variant) =>
    runs.map((run) => variantOf(run, variant)?.cost_per_1k_usd ?? null).filter((v): v is number => v !== null),
  );
  if (raw.length === 0) return null;
  const decimals = decimalsFor(Math.max(...raw));
  const { series, gaps, values } = seriesOf(
    history,
    runs,
    (run, variant) => variantOf(run, variant)?.cost_per_1k_usd ?? null,
    (value) => decimal(value, decimals),
  );
  const high = decimal(Math.max(...values) * 1.1 || 1, decimals);
  const lines = xyChart(`Cost per 1k requests (USD)${driftNote}`, runs, 'USD per 1k', ['0', high], series);
  return { lines, series, gaps };
}

function legend(history: SuiteHistory, used: ReadonlySet<number>): string {
  const entries = history.variants
    .map((variant, index) => ({ variant, index }))
    .filter(({ index }) => used.has(index))
    .map(({ variant, index }) => `**${escapeMarkdownInline(variant, 60)}** (${seriesColour(index).name})`);
  return `Lines: ${entries.join(', ')}.`;
}

function runRef(run: HistoryRun): string {
  const day = escapeMarkdownInline(run.date.slice(0, 10));
  const commit = run.commit ? ` ${codeSpan(run.commit.slice(0, 7))}` : '';
  return `${day}${commit}`;
}

function listed(items: string[], limit = 8): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/** Notes under the charts: which runs drifted, which recovered, which are the accepted references. */
function notes(runs: readonly HistoryRun[], gaps: boolean): string[] {
  const pick = (test: (run: HistoryRun) => boolean) => runs.flatMap((run) => (test(run) ? [runRef(run)] : []));
  const lines: string[] = [];
  const drifted = pick((run) => run.drift === 'drift');
  if (drifted.length > 0) {
    lines.push(`- ⚠ **Drift** against the accepted reference (red columns): ${listed(drifted)}.`);
  }
  const recovered = pick((run) => run.drift === 'recovered');
  if (recovered.length > 0) lines.push(`- ✅ Recovered: ${listed(recovered)}.`);
  const accepted = pick((run) => run.accepted);
  if (accepted.length > 0) lines.push(`- Accepted references (first run, promotion or --accept): ${listed(accepted)}.`);
  if (gaps) lines.push('- A run without a value (no answer, price unknown) repeats the previous value on its line.');
  return lines;
}

/**
 * A suite's trend over its last `last` runs as Markdown: accuracy and cost per 1k of each variant as
 * Mermaid `xychart-beta` line charts, drifted runs marked ⚠ on the x-axis and listed below.
 * Null with fewer than two runs (no trend yet) or no accuracy at all.
 */
export function suiteTrendLines(history: SuiteHistory, last = TREND_RUNS): string[] | null {
  const runs = history.runs.slice(-last);
  if (runs.length < 2) return null;
  const driftCount = runs.filter((run) => run.drift === 'drift').length;
  const driftNote = driftCount > 0 ? ` - ⚠ drift in ${driftCount} of ${runs.length} runs` : '';
  const accuracy = accuracyChart(history, runs, driftNote);
  if (accuracy === null) return null;
  const cost = costChart(history, runs, driftNote);
  const used = new Set([...accuracy.series, ...(cost?.series ?? [])].map((s) => s.variant));
  const shown = history.runs.length > runs.length ? `last ${runs.length} of ${history.runs.length}` : `${runs.length}`;
  return [
    `**Trend** (${shown} runs). ${legend(history, used)}`,
    '',
    ...accuracy.lines,
    '',
    ...(cost ? cost.lines : ['_No cost per 1k: the price of these models is unknown._']),
    '',
    ...notes(runs, accuracy.gaps || (cost?.gaps ?? false)),
    '',
  ];
}

/** The trend of one suite as a block of the job summary (kept whole or dropped when it must be shortened). */
export function suiteTrendBlock(runs: readonly HistoryRun[], suite: string): MarkdownBlock | null {
  const history = historyBySuite(runs).find((h) => h.suite === suite);
  const lines = history ? suiteTrendLines(history) : null;
  return lines ? { kind: 'chart', lines } : null;
}

/** Every suite's trend, each under its own heading (for `tunegate report --markdown`). */
export function renderTrendMarkdown(runs: readonly HistoryRun[]): string {
  const blocks: MarkdownBlock[] = [textBlock(['## tunegate trend', ''])];
  for (const history of historyBySuite(runs)) {
    blocks.push(textBlock([`### ${escapeMarkdownInline(history.suite)}`, '']));
    const lines = suiteTrendLines(history);
    blocks.push(lines ? { kind: 'chart', lines } : textBlock(['_Fewer than two runs: no trend yet._', '']));
  }
  return renderBlocks(blocks);
}
