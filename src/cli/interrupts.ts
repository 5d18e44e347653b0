import type { CliIo } from './io.js';

/** How long calls in flight may take to finish after the first interrupt. */
const STOP_GRACE_MS = 2000;
/** Past the grace period the run is aborted outright, whatever the engine is still waiting for. */
const HARD_STOP_AFTER_MS = STOP_GRACE_MS + 1000;

/**
 * Ctrl-C / SIGTERM during a run: the first stops it gracefully (no new calls, calls in flight get
 * STOP_GRACE_MS, results are written marked incomplete), the second aborts the calls in flight.
 */
export function stopOnInterrupt(io: CliIo): {
  options: { stopSignal?: AbortSignal; signal?: AbortSignal; stopGraceMs?: number };
  release(): void;
} {
  const interrupts = io.trapInterrupts?.();
  if (!interrupts) return { options: {}, release: () => {} };
  const hard = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onStop = () => {
    io.stderr.write(
      `\nInterrupted: no new calls; calls in flight get ${STOP_GRACE_MS / 1000} s to finish, then the results are written marked incomplete. Interrupt again to stop at once.\n`,
    );
    timer = setTimeout(() => hard.abort(), HARD_STOP_AFTER_MS);
  };
  const onAbort = () => hard.abort();
  interrupts.stop.addEventListener('abort', onStop, { once: true });
  interrupts.abort.addEventListener('abort', onAbort, { once: true });
  return {
    options: { stopSignal: interrupts.stop, signal: hard.signal, stopGraceMs: STOP_GRACE_MS },
    release() {
      clearTimeout(timer);
      interrupts.stop.removeEventListener('abort', onStop);
      interrupts.abort.removeEventListener('abort', onAbort);
      interrupts.release();
    },
  };
}
