/**
 * A Markdown report as the renderer built it: a list of blocks whose kind says how it may be shortened when
 * the report has to fit a limit (a comment, a job summary). Trimming works on these blocks instead of
 * re-parsing the text, so nothing a model or a dataset wrote can change what is cut.
 */
export type MarkdownBlock =
  /** Headings, tables, lists: always kept; as a last resort cut after a whole line. Holds no fence or HTML block. */
  | { kind: 'text'; lines: string[] }
  /** A fenced chart: kept whole or dropped. */
  | { kind: 'chart'; lines: string[] }
  /** A collapsed table: rows may be shortened, or the whole section dropped. */
  | {
      kind: 'details';
      summary: string;
      header: string[];
      rows: string[];
      /** Shortened, then dropped, before any other block when the report must fit a limit. */
      trimFirst?: boolean;
    };

export function textBlock(lines: string[]): MarkdownBlock {
  return { kind: 'text', lines };
}

/**
 * The block's lines; a details section shows at most `rowsShown` rows and says how many it left out
 * (the full list is in the untrimmed report).
 */
export function blockLines(block: MarkdownBlock, rowsShown = Number.POSITIVE_INFINITY): string[] {
  if (block.kind !== 'details') return block.lines;
  const shown = block.rows.slice(0, rowsShown);
  const hidden = block.rows.length - shown.length;
  const note = hidden > 0 ? ['', hiddenRowsNote(hidden)] : [];
  return [`<details><summary>${block.summary}</summary>`, '', ...block.header, ...shown, ...note, '', '</details>', ''];
}

export function hiddenRowsNote(hidden: number): string {
  return `_${hidden} more ${hidden === 1 ? 'row' : 'rows'} not shown here._`;
}

/** The whole report as Markdown text. */
export function renderBlocks(blocks: readonly MarkdownBlock[]): string {
  return `${blocks.flatMap((block) => blockLines(block)).join('\n')}\n`;
}
