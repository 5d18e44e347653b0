import type { Progress } from '../engine/types.js';

/** The parts of a progress line, most telling first: narrow terminals drop them from the end. */
export function progressParts(p: Progress): string[] {
  const rate = p.elapsed_ms > 0 ? (p.done / p.elapsed_ms) * 1000 : 0;
  return [
    `${p.done}/${p.total} calls`,
    `${p.errors} errors`,
    `${p.cached} cached`,
    `$${p.spent_usd.toFixed(4)}`,
    `${rate.toFixed(0)}/s`,
  ];
}

export function progressLine(p: Progress): string {
  return progressParts(p).join(' · ');
}

/**
 * Progress for a log (CI, the Action): a plain line at most every `intervalMs` of the run, and the last one
 * once, so a log stays readable. A new run (elapsed time starting over) starts a new count.
 */
export function throttledProgressLines(
  write: (line: string) => void,
  intervalMs: number,
): (progress: Progress) => void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let lastDone = -1;
  return (progress) => {
    if (progress.elapsed_ms < lastLogged) {
      lastLogged = Number.NEGATIVE_INFINITY;
      lastDone = -1;
    }
    const finished = progress.done === progress.total && progress.done !== lastDone;
    if (progress.elapsed_ms - lastLogged < intervalMs && !finished) return;
    lastLogged = progress.elapsed_ms;
    lastDone = progress.done;
    write(`progress: ${progressLine(progress)}`);
  };
}
