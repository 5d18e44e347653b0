/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface FitOptions {
  /** The line appended when something was cut, telling the reader where the full report is. */
  pointer: string;
  /** Maximum length of the whole comment, marker included. */
  limit?: number;
}

/**
 * The comment body: the marker on the first line, then the Markdown. When that is longer than the limit,
 * whole `<details>` sections are dropped, last first, until the rest fits (they hold the long lists of
 * flipped cases, the least needed part). If the rest does not fit even without them, the report is cut at a
 * line boundary instead, and an open code fence and open `<details>` are closed so the page still renders.
 * Whenever something was cut, the pointer line is appended.
 */
export function fitCommentBody(markdown: string, marker: string, options: FitOptions): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const whole = `${marker}\n${markdown}`;
  if (whole.length <= limit) return whole;

  const head = `${marker}\n`;
  const tail = `\n\n${options.pointer}`;
  const budget = limit - head.length - tail.length;
  if (budget < 0) {
    throw new RangeError(`a comment limit of ${limit} characters cannot hold the marker and the pointer line`);
  }

  const lines = markdown.split('\n');
  let kept = lines;
  for (const section of detailsSections(lines).reverse()) {
    kept = withoutSection(kept, section);
    const body = closeOpenBlocks(kept);
    if (body.length <= budget) return head + body + tail;
  }
  // Even without any <details> it is too long, so the comment becomes the report's beginning, as it reads.
  return head + longestPrefixWithin(lines, budget) + tail;
}

interface Section {
  /** Index of the line that opens the top-level `<details>`. */
  start: number;
  /** Index one past the line that closes it. */
  end: number;
}

interface BlockState {
  /** The fence that opened the code block we are in (e.g. "```" or "~~~~"), or undefined. */
  fence: string | undefined;
  /** How many `<details>` are open. */
  detailsDepth: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;

/** Advances the block state over one line (CommonMark fences; `<details>` tags counted outside code). */
function advance(state: BlockState, line: string): BlockState {
  if (state.fence !== undefined) {
    const close = FENCE_CLOSE.exec(line)?.[1];
    const closes = close !== undefined && close[0] === state.fence[0] && close.length >= state.fence.length;
    return closes ? { ...state, fence: undefined } : state;
  }
  const open = FENCE_OPEN.exec(line);
  const fence = open?.[1];
  // A backtick fence's info string may not contain a backtick (then it is inline code, not a fence).
  if (fence !== undefined && !(fence[0] === '`' && open?.[2]?.includes('`'))) return { ...state, fence };
  const opens = line.match(/<details[\s>]/gi)?.length ?? 0;
  const closes = line.match(/<\/details\s*>/gi)?.length ?? 0;
  return { ...state, detailsDepth: Math.max(0, state.detailsDepth + opens - closes) };
}

const START: BlockState = { fence: undefined, detailsDepth: 0 };

/** Top-level `<details>` sections, in order; one left open runs to the end. */
function detailsSections(lines: string[]): Section[] {
  const sections: Section[] = [];
  let state = START;
  let start: number | undefined;
  lines.forEach((line, index) => {
    const next = advance(state, line);
    if (state.detailsDepth === 0 && next.detailsDepth > 0) start = index;
    if (start !== undefined && next.detailsDepth === 0) {
      sections.push({ start, end: index + 1 });
      start = undefined;
    }
    state = next;
  });
  if (start !== undefined) sections.push({ start, end: lines.length });
  return sections;
}

/** Removes a section and the blank line after it, so dropping sections does not pile up blank lines. */
function withoutSection(lines: string[], section: Section): string[] {
  const end = section.end < lines.length && isBlank(lines[section.end] as string) ? section.end + 1 : section.end;
  return [...lines.slice(0, section.start), ...lines.slice(end)];
}

function closingFor(state: BlockState): string {
  const fence = state.fence === undefined ? '' : `\n${state.fence}`;
  // The blank line before </details> ends any table or paragraph the cut left open.
  return fence + '\n\n</details>'.repeat(state.detailsDepth);
}

function closeOpenBlocks(lines: string[]): string {
  const state = lines.reduce(advance, START);
  return joinWithoutTrailingBlanks(lines) + closingFor(state);
}

/** The longest run of whole lines from the start that fits in the budget together with its closing tags. */
function longestPrefixWithin(lines: string[], budget: number): string {
  let best = { lineCount: 0, closing: '' };
  let state = START;
  let length = 0;
  // Length up to the last non-blank line: trailing blank lines are trimmed before closing tags go on.
  let trimmedLength = 0;
  for (const [index, line] of lines.entries()) {
    length += (index === 0 ? 0 : 1) + line.length;
    if (length > budget) break;
    state = advance(state, line);
    if (!isBlank(line)) trimmedLength = length;
    const closing = closingFor(state);
    if (trimmedLength + closing.length <= budget) best = { lineCount: index + 1, closing };
  }
  return joinWithoutTrailingBlanks(lines, best.lineCount) + best.closing;
}

function isBlank(line: string): boolean {
  return /^\s*$/.test(line);
}

/** The first `count` lines joined, without trailing blank lines. */
function joinWithoutTrailingBlanks(lines: string[], count = lines.length): string {
  let end = count;
  while (end > 0 && isBlank(lines[end - 1] as string)) end--;
  return lines.slice(0, end).join('\n');
}
