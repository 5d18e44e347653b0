import type { Progress } from '../engine/types.js';
import { progressParts, throttledProgressLines } from '../report/progress-text.js';

const LOG_INTERVAL_MS = 5_000;
const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 8;
/** When the stream does not say how wide it is. */
const DEFAULT_COLUMNS = 80;

type ProgressStream = { write(text: string): unknown; isTTY?: boolean; columns?: number };

function bar(progress: Progress, width: number): string {
  const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/**
 * One terminal line of at most `columns - 1` characters (writing the last column makes some terminals wrap, and
 * every redraw would then add a line): the bar narrows first, then the line's parts go from the end, and at
 * last the text is cut.
 */
export function fitProgressLine(progress: Progress, columns: number): string {
  const room = Math.max(1, columns - 1);
  const parts = progressParts(progress);
  for (let count = parts.length; count >= 1; count--) {
    const text = parts.slice(0, count).join(' · ');
    const barWidth = Math.min(BAR_WIDTH, room - text.length - 3);
    if (barWidth >= MIN_BAR_WIDTH) return `${bar(progress, barWidth)} ${text}`;
  }
  return (parts[0] as string).slice(0, room);
}

/**
 * A progress bar redrawn in place on a terminal, fitted to its width on every redraw (it may be resized); in
 * CI logs (no TTY) a plain line every few seconds, so logs stay readable.
 */
export function createProgressRenderer(stream: ProgressStream): {
  update(progress: Progress): void;
  finish(): void;
} {
  const logLine = throttledProgressLines((line) => stream.write(`${line}\n`), LOG_INTERVAL_MS);
  let drewBar = false;
  return {
    update(progress) {
      if (stream.isTTY) {
        stream.write(`\r${fitProgressLine(progress, stream.columns || DEFAULT_COLUMNS)}\u001b[K`);
        drewBar = true;
      } else {
        logLine(progress);
      }
    },
    finish() {
      if (drewBar) stream.write('\n');
    },
  };
}
