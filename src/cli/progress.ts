import type { Progress } from '../engine/types.js';

const LOG_INTERVAL_MS = 5_000;
const BAR_WIDTH = 24;

function line(p: Progress): string {
  const rate = p.elapsed_ms > 0 ? (p.done / p.elapsed_ms) * 1000 : 0;
  return `${p.done}/${p.total} calls · ${p.errors} errors · ${p.cached} cached · $${p.spent_usd.toFixed(4)} · ${rate.toFixed(0)}/s`;
}

/**
 * A progress bar redrawn in place on a terminal; in CI logs (no TTY) a plain line every few
 * seconds, so logs stay readable.
 */
export function createProgressRenderer(stream: { write(text: string): unknown; isTTY?: boolean }): {
  update(progress: Progress): void;
  finish(): void;
} {
  let lastLogged = -LOG_INTERVAL_MS;
  let lastDone = -1;
  let drewBar = false;
  return {
    update(progress) {
      if (stream.isTTY) {
        const filled = progress.total === 0 ? BAR_WIDTH : Math.round((progress.done / progress.total) * BAR_WIDTH);
        stream.write(`\r[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${line(progress)}\u001b[K`);
        drewBar = true;
      } else if (
        progress.elapsed_ms - lastLogged >= LOG_INTERVAL_MS ||
        (progress.done === progress.total && progress.done !== lastDone)
      ) {
        lastLogged = progress.elapsed_ms;
        lastDone = progress.done;
        stream.write(`progress: ${line(progress)}\n`);
      }
    },
    finish() {
      if (drewBar) stream.write('\n');
    },
  };
}
