import { blockLines, hiddenRowsNote, type MarkdownBlock, renderBlocks } from '../report/markdown-blocks.js';

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** GitHub drops a step's job summary larger than this many bytes (1 MiB) and shows none of it. */
export const GITHUB_SUMMARY_LIMIT = 1_048_576;

export interface FitOptions {
  /** The line appended when something was cut, telling the reader where the full report is. */
  pointer: string;
  /** Maximum size of the whole text, head and pointer included. */
  limit: number;
  /** Size of a text in the unit of the limit (characters for a comment, UTF-8 bytes for a summary). */
  size: (text: string) => number;
  /** Text before the report that is never cut (a comment's marker line). */
  head?: string;
}

export interface Fitted {
  text: string;
  /** Something was left out, and the pointer line says where the rest is. */
  trimmed: boolean;
}

/** The comment body: the marker on the first line, then the report, within GitHub's comment limit. */
export function fitCommentBody(
  blocks: readonly MarkdownBlock[],
  marker: string,
  options: { pointer: string; limit?: number },
): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  return fitMarkdown(blocks, { pointer: options.pointer, limit, size: (text) => text.length, head: `${marker}\n` })
    .text;
}

/** The job summary within GitHub's 1 MiB, less what the step's summary already holds. */
export function fitJobSummary(
  blocks: readonly MarkdownBlock[],
  options: { pointer: string; limit?: number; used?: number },
): Fitted {
  const limit = (options.limit ?? GITHUB_SUMMARY_LIMIT) - (options.used ?? 0);
  return fitMarkdown(blocks, { pointer: options.pointer, limit, size: (text) => Buffer.byteLength(text, 'utf8') });
}

/**
 * Fits a report into a limit by its structure, never by re-reading its text: first the collapsed sections
 * marked `trimFirst` show fewer rows, then are dropped; then every other collapsed table
 * shows fewer rows (the same number each, so every comparison keeps its first cases); when even one row
 * each is too much, whole collapsed sections are dropped, last first; then charts; and if the text blocks
 * alone are still too long, the report is cut after a whole line. Whenever something was cut, the pointer
 * line is appended.
 */
export function fitMarkdown(blocks: readonly MarkdownBlock[], options: FitOptions): Fitted {
  const head = options.head ?? '';
  const whole = head + renderBlocks(blocks);
  if (options.size(whole) <= options.limit) return { text: whole, trimmed: false };

  const tail = `\n\n${options.pointer}`;
  const budget = options.limit - options.size(head) - options.size(tail);
  if (budget < 0) {
    throw new RangeError(`a limit of ${options.limit} cannot hold the head and the pointer line`);
  }
  const lines =
    linesWithFewerTrimFirstRows(blocks, budget, options.size) ??
    fittedLines(
      blocks.filter((block) => !trimsFirst(block)),
      budget,
      options.size,
    );
  return { text: head + joinWithoutTrailingBlanks(lines) + tail, trimmed: true };
}

const trimsFirst = (block: MarkdownBlock) => block.kind === 'details' && block.trimFirst === true;

/**
 * Sections marked `trimFirst` give way before anything else: every other block whole, and as many of their
 * rows as fit (the same number each). Undefined when not even one row each fits: they are dropped instead.
 */
function linesWithFewerTrimFirstRows(
  blocks: readonly MarkdownBlock[],
  budget: number,
  size: (text: string) => number,
): string[] | undefined {
  const expendable = blocks.filter(trimsFirst);
  if (expendable.length === 0) return undefined;
  const withRows = (rows: number) =>
    blocks.flatMap((block) => (trimsFirst(block) ? blockLines(block, rows) : blockLines(block)));
  const fits = (rows: number) => withRows(rows).reduce((total, line) => total + size(line) + 1, 0) <= budget;
  const maxRows = Math.max(...expendable.map((block) => (block.kind === 'details' ? block.rows.length : 0)));
  const rows = largestFitting(maxRows, fits);
  return rows === undefined ? undefined : withRows(rows);
}

/** The other blocks shortened by structure (see fitMarkdown), or cut after a whole line as a last resort. */
function fittedLines(blocks: readonly MarkdownBlock[], budget: number, size: (text: string) => number): string[] {
  const layout = bestLayout(new BlockSizes(blocks, size), budget);
  return layout ? layoutLines(blocks, layout) : longestPrefixWithin(textLines(blocks), budget, size);
}

interface Layout {
  /** Rows shown in each collapsed table that is kept. */
  rows: number;
  /** How many collapsed sections are kept, from the first. */
  details: number;
  /** How many charts are kept, from the first. */
  charts: number;
}

/** The layout that keeps the most within the budget, or undefined when even the text blocks alone are too long. */
function bestLayout(sizes: BlockSizes, budget: number): Layout | undefined {
  const fits = (layout: Layout) => sizes.of(layout) <= budget;
  for (let details = sizes.detailsCount; details > 0; details--) {
    const rows = largestFitting(sizes.maxRows, (rows) => fits({ rows, details, charts: sizes.chartsCount }));
    if (rows !== undefined) return { rows, details, charts: sizes.chartsCount };
  }
  for (let charts = sizes.chartsCount; charts >= 0; charts--) {
    const layout = { rows: 0, details: 0, charts };
    if (fits(layout)) return layout;
  }
  return undefined;
}

/** The largest n in 1…max for which `fits(n)` holds, by bisection; undefined when not even 1 fits. */
function largestFitting(max: number, fits: (n: number) => boolean): number | undefined {
  if (max < 1 || !fits(1)) return undefined;
  let [low, high] = [1, max];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Sizes of the blocks' lines, each counted with its newline, so a layout is measured without rendering it. */
class BlockSizes {
  readonly detailsCount: number;
  readonly chartsCount: number;
  readonly maxRows: number;
  private readonly fixed: number;
  private readonly charts: number[] = [];
  private readonly details: { frame: number; rowPrefix: number[] }[] = [];

  constructor(
    blocks: readonly MarkdownBlock[],
    private readonly size: (text: string) => number,
  ) {
    let fixed = 0;
    for (const block of blocks) {
      if (block.kind === 'text') fixed += this.linesSize(block.lines);
      else if (block.kind === 'chart') this.charts.push(this.linesSize(block.lines));
      else {
        const rowPrefix = [0];
        for (const row of block.rows) rowPrefix.push((rowPrefix.at(-1) as number) + size(row) + 1);
        this.details.push({ frame: this.linesSize(blockLines({ ...block, rows: [] })), rowPrefix });
      }
    }
    this.fixed = fixed;
    this.detailsCount = this.details.length;
    this.chartsCount = this.charts.length;
    this.maxRows = Math.max(0, ...this.details.map((d) => d.rowPrefix.length - 1));
  }

  of(layout: Layout): number {
    let total = this.fixed;
    for (const chart of this.charts.slice(0, layout.charts)) total += chart;
    for (const { frame, rowPrefix } of this.details.slice(0, layout.details)) {
      const rows = rowPrefix.length - 1;
      const shown = Math.min(layout.rows, rows);
      const note = shown < rows ? 1 + this.size(hiddenRowsNote(rows - shown)) + 1 : 0;
      total += frame + (rowPrefix[shown] as number) + note;
    }
    return total;
  }

  private linesSize(lines: readonly string[]): number {
    return lines.reduce((sum, line) => sum + this.size(line) + 1, 0);
  }
}

function layoutLines(blocks: readonly MarkdownBlock[], layout: Layout): string[] {
  const lines: string[] = [];
  let [details, charts] = [0, 0];
  for (const block of blocks) {
    if (block.kind === 'text') lines.push(...block.lines);
    else if (block.kind === 'chart') {
      if (charts++ < layout.charts) lines.push(...block.lines);
    } else if (details++ < layout.details) lines.push(...blockLines(block, layout.rows));
  }
  return lines;
}

function textLines(blocks: readonly MarkdownBlock[]): string[] {
  return blocks.flatMap((block) => (block.kind === 'text' ? block.lines : []));
}

/** The longest run of whole lines from the start that fits in the budget (text blocks hold no open constructs). */
function longestPrefixWithin(lines: readonly string[], budget: number, size: (text: string) => number): string[] {
  let total = 0;
  let count = 0;
  for (const [index, line] of lines.entries()) {
    total += (index === 0 ? 0 : 1) + size(line);
    if (total > budget) break;
    count = index + 1;
  }
  return lines.slice(0, count);
}

function isBlank(line: string): boolean {
  return /^\s*$/.test(line);
}

/** The lines joined, without trailing blank lines. */
function joinWithoutTrailingBlanks(lines: readonly string[]): string {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1] as string)) end--;
  return lines.slice(0, end).join('\n');
}
