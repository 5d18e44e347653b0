import { escapeMarkdownInline } from './escape.js';
import {
  FRAGILITY_HEADERS,
  familyFlipRate,
  fragilityCells,
  fragilityComparisonLines,
  type MeasuredVariant,
  measuredFamilies,
  measuredVariants,
} from './fragility-text.js';
import { seriesColour } from './history-series.js';
import type { MarkdownBlock } from './markdown-blocks.js';
import { mermaidInit, mermaidText } from './trend-chart.js';
import type { FragileCase, SuiteResult } from './types.js';
import { answerCell } from './verdict-markdown.js';

const bold = (name: string) => `**${escapeMarkdownInline(name)}**`;

function fragilityTable(suite: SuiteResult, variants: readonly MeasuredVariant[]): string[] {
  const headers = FRAGILITY_HEADERS(suite);
  return [
    `| ${headers.join(' | ')} |`,
    '|---|---|--:|---|---|--:|--:|',
    ...variants.map(
      ({ name, fragility }) => `| ${[escapeMarkdownInline(name), ...fragilityCells(fragility)].join(' | ')} |`,
    ),
  ];
}

/** Category labels made unique: Mermaid merges equal categories into one bar slot. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}

/**
 * The flip rate by family as a horizontal Mermaid bar chart. xychart draws the bar series of a category on
 * top of each other, so each variant gets its own slot in every family (its series is 0 elsewhere), in the
 * variant's colour from the trend charts. Null when no family was measured.
 */
export function flipRateChart(suite: SuiteResult): string[] | null {
  const variants = measuredVariants(suite);
  const families = measuredFamilies(variants);
  if (families.length === 0) return null;
  const colourIndex = (name: string) => Object.keys(suite.variants).indexOf(name);
  const slots = families.flatMap((family) => variants.map((variant) => ({ family, variant })));
  const labels = uniqueLabels(
    slots.map(({ family, variant }) =>
      variants.length === 1 ? mermaidText(family) : `${mermaidText(family)} - ${mermaidText(variant.name, 16)}`,
    ),
  );
  const percentOf = (rate: number | null) => ((rate ?? 0) * 100).toFixed(1);
  const largest = Math.max(...slots.map(({ family, variant }) => familyFlipRate(variant, family) ?? 0));
  const top = Math.max(5, Math.ceil((largest * 100 * 1.1) / 5) * 5);
  const series = variants.map((shown) =>
    slots.map(({ family, variant }) => (variant === shown ? percentOf(familyFlipRate(variant, family)) : '0.0')),
  );
  const palette = variants.map(({ name }) => seriesColour(colourIndex(name)).hex);
  const legend = variants.map(({ name }) => `${bold(name)} (${seriesColour(colourIndex(name)).name})`);
  return [
    `Bars: ${legend.join(', ')}.`,
    '',
    '```mermaid',
    mermaidInit(palette, { width: 900, height: Math.min(1200, 80 + 26 * slots.length) }),
    'xychart-beta horizontal',
    '  title "Flip rate by perturbation family (%)"',
    `  x-axis [${labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "flip rate (%)" 0 --> ${top}`,
    ...series.map((values) => `  bar [${values.join(', ')}]`),
    '```',
    '',
  ];
}

function fragileCaseRow(fragile: FragileCase): string {
  const input =
    fragile.input === fragile.perturbed_input
      ? `${answerCell(fragile.input)} (input unchanged)`
      : `${answerCell(fragile.input)} → ${answerCell(fragile.perturbed_input)}`;
  const cells = [
    escapeMarkdownInline(fragile.variant),
    answerCell(fragile.case_id),
    escapeMarkdownInline(fragile.family),
    escapeMarkdownInline(fragile.change),
    input,
    `${answerCell(fragile.answer)} → ${answerCell(fragile.perturbed_answer)}`,
    answerCell(fragile.expected),
    `${fragile.flips} / ${fragile.calls}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/**
 * The most fragile cases, collapsed; every value from the data escaped so none can close the <details>.
 * First to go when a comment must be shortened: the table and the chart above already say how fragile.
 */
export function fragileCasesBlock(suite: SuiteResult): MarkdownBlock | null {
  const cases = suite.fragile_cases ?? [];
  if (cases.length === 0) return null;
  return {
    kind: 'details',
    summary: `Most fragile cases: ${cases.length} ${cases.length === 1 ? 'perturbation' : 'perturbations'} that changed an answer`,
    header: [
      '| variant | case | family | change | input → perturbed input | answer → perturbed answer | expected | flips / calls |',
      '|---|---|---|---|---|---|---|--:|',
    ],
    rows: cases.map(fragileCaseRow),
    trimFirst: true,
  };
}

/** The suite's fragility section (table and paired comparisons) and its chart; empty when not measured. */
export function fragilityBlocks(suite: SuiteResult): MarkdownBlock[] {
  const variants = measuredVariants(suite);
  if (variants.length === 0) return [];
  const comparisons = fragilityComparisonLines(suite, bold);
  const lines = [
    '#### Fragility',
    '',
    'How often an answer changes when the input or the prompt is reworded without changing its meaning (the flip rate), and how accurate each variant stays.',
    '',
    ...fragilityTable(suite, variants),
    '',
    ...(comparisons.length > 0 ? [...comparisons.map((line) => `- ${line}`), ''] : []),
  ];
  const chart = flipRateChart(suite);
  return [{ kind: 'text', lines }, ...(chart ? [{ kind: 'chart' as const, lines: chart }] : [])];
}
