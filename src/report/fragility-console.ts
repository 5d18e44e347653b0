import { oneLine } from './escape.js';
import { percent } from './format.js';
import {
  FRAGILITY_HEADERS,
  familyFlipRate,
  fragilityCells,
  fragilityComparisonLines,
  type MeasuredVariant,
  measuredFamilies,
  measuredVariants,
} from './fragility-text.js';
import { padTable } from './text-table.js';
import type { SuiteResult } from './types.js';

/** The terminal width the chart is drawn for. */
export const CHART_COLUMNS = 80;
const MAX_BAR = 40;
const NAME_WIDTH = 16;
/** Eighths of a block, so a bar has 8 steps per column. */
const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function clipped(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** A bar of `rate` on a scale where `largest` fills `width` columns; a rate above 0 always shows. */
export function bar(rate: number, largest: number, width: number): string {
  if (largest <= 0 || rate <= 0) return '';
  const eighths = Math.max(1, Math.round((rate / largest) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (PARTIAL_BLOCKS[eighths % 8] as string);
}

/**
 * The flip rate by family as text bars, one row per family and variant, scaled to the largest rate and
 * fitting CHART_COLUMNS: names are clipped and the bar gets what is left.
 */
export function flipRateBars(variants: readonly MeasuredVariant[]): string[] {
  const families = measuredFamilies(variants);
  if (families.length === 0) return [];
  const names = variants.map(({ name }) => clipped(oneLine(name), NAME_WIDTH));
  const familyWidth = Math.max(...families.map((family) => family.length));
  const nameWidth = Math.max(...names.map((name) => name.length));
  const numberWidth = '100.0%'.length;
  const barWidth = Math.min(MAX_BAR, CHART_COLUMNS - (2 + familyWidth + 2 + nameWidth + 2 + 1 + numberWidth));
  const rates = families.flatMap((family) => variants.map((variant) => familyFlipRate(variant, family) ?? 0));
  const largest = Math.max(...rates);
  const lines = [`  flip rate by family (the longest bar is ${percent(largest)})`];
  for (const family of families) {
    variants.forEach((variant, index) => {
      const rate = familyFlipRate(variant, family);
      const label = (index === 0 ? family : '').padEnd(familyWidth);
      const name = (names[index] as string).padEnd(nameWidth);
      const shown =
        rate === null ? '–'.padEnd(barWidth) : `${bar(rate, largest, barWidth).padEnd(barWidth)} ${percent(rate)}`;
      lines.push(`  ${label}  ${name}  ${shown}`.trimEnd());
    });
  }
  return lines;
}

/** The suite's fragility: table, bars by family, paired comparisons. Empty when it was not measured. */
export function fragilityConsoleLines(suite: SuiteResult): string[] {
  const variants = measuredVariants(suite);
  if (variants.length === 0) return [];
  const rows = [
    FRAGILITY_HEADERS(suite),
    ...variants.map(({ name, fragility }) => [oneLine(name), ...fragilityCells(fragility)]),
  ];
  return [
    '  fragility (answers that change under meaning-preserving rewording)',
    ...padTable(rows).map((line) => `  ${line}`),
    ...flipRateBars(variants),
    ...fragilityComparisonLines(suite, oneLine).map((line) => `  ${line}`),
  ];
}
