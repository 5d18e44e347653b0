import type { RunOptions } from './types.js';

const DEFAULT_STOP_GRACE_MS = 2000;

/**
 * The run's two ways of stopping, as signals the engine's parts listen to:
 * - `signal` (hard stop): attempts on the wire are aborted at once;
 * - `stopSignal` (graceful stop): nothing new starts, waits between attempts end, and attempts on the wire
 *   get `stopGraceMs` to finish before they are aborted.
 */
export class StopControl {
  /** Aborts attempts on the wire. */
  readonly attempts: AbortSignal;
  /** Ends waits (between attempts, for a slot, for a pause) and stops dispatching. */
  readonly waits: AbortSignal;
  /** Set once a stop arrived while the run was going. */
  stopped: 'aborted' | 'interrupted' | null = null;
  private readonly abortAttempts = new AbortController();
  private readonly endWaits = new AbortController();
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly detach: () => void;

  constructor(options: Pick<RunOptions, 'signal' | 'stopSignal' | 'stopGraceMs'>, onStop: () => void) {
    this.attempts = this.abortAttempts.signal;
    this.waits = this.endWaits.signal;
    const { signal, stopSignal } = options;
    const hard = () => {
      this.stopped = 'aborted';
      this.abortAttempts.abort(signal?.reason);
      this.endWaits.abort(signal?.reason);
      onStop();
    };
    const graceful = () => {
      this.stopped ??= 'interrupted';
      this.endWaits.abort(stopSignal?.reason);
      this.graceTimer = setTimeout(
        () => this.abortAttempts.abort(stopSignal?.reason),
        options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
      );
      onStop();
    };
    if (signal?.aborted) hard();
    else signal?.addEventListener('abort', hard, { once: true });
    if (stopSignal?.aborted) graceful();
    else stopSignal?.addEventListener('abort', graceful, { once: true });
    this.detach = () => {
      signal?.removeEventListener('abort', hard);
      stopSignal?.removeEventListener('abort', graceful);
    };
  }

  /** Why calls are not started any more, as their record says; null while the run goes on. */
  notRunReason(): string | null {
    if (this.stopped === 'aborted') return 'not run: aborted';
    if (this.stopped === 'interrupted') return 'not run: interrupted';
    return null;
  }

  dispose(): void {
    this.detach();
    if (this.graceTimer) clearTimeout(this.graceTimer);
  }
}
