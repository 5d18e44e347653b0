/** A burst: at least this share of the attempts in a window answered 429. */
const BURST_SHARE = 1 / 3;
/** Attempts a window holds at least, so that a few unlucky 429s do not make a burst. */
const MIN_WINDOW = 16;

export type AttemptOutcome = 'answered' | 'rate_limited' | 'failed';

/**
 * A concurrency limit that adapts to rate limiting (AIMD, as TCP does with congestion): a burst of 429s
 * halves it, answers grow it back by one per `value` answers, never above the configured limit nor below 1.
 *
 * Attempts are counted in windows of `max(16, value)`; a burst is a third of a window refused with 429, so
 * sporadic 429s leave the limit alone while a storm cuts it at once. A burst counts once: each attempt notes
 * the `epoch` it started in, and outcomes of attempts started before the latest decrease are ignored, so 256
 * calls refused together halve the limit once, not eight times.
 */
export class AdaptiveLimit {
  value: number;
  epoch = 0;
  private seen = 0;
  private limited = 0;
  private answered = 0;

  constructor(readonly max: number) {
    this.value = max;
  }

  record(outcome: AttemptOutcome, startedInEpoch: number): void {
    if (startedInEpoch !== this.epoch) return;
    const window = Math.max(MIN_WINDOW, this.value);
    this.seen += 1;
    if (outcome === 'rate_limited') {
      this.limited += 1;
      if (this.limited >= Math.ceil(window * BURST_SHARE)) {
        this.decrease();
        return;
      }
    }
    if (this.seen >= window) {
      this.seen = 0;
      this.limited = 0;
    }
    if (outcome === 'answered' && this.value < this.max) {
      this.answered += 1;
      if (this.answered >= this.value) {
        this.value += 1;
        this.answered = 0;
      }
    }
  }

  private decrease(): void {
    this.value = Math.max(1, Math.floor(this.value / 2));
    this.epoch += 1;
    this.seen = 0;
    this.limited = 0;
    this.answered = 0;
  }
}
