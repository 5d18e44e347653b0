/**
 * A concurrency limit that adapts to rate limiting (AIMD, as TCP does with congestion): a burst of 429s
 * halves it, answers grow it back by one per `value` answers, never above the configured limit nor below 1.
 *
 * A burst counts once: each attempt notes the `epoch` it started in, and a 429 on an attempt that started
 * before the latest decrease belongs to the burst that caused it, so 256 calls refused together halve the
 * limit once, not 256 times.
 */
export class AdaptiveLimit {
  value: number;
  epoch = 0;
  private answered = 0;

  constructor(readonly max: number) {
    this.value = max;
  }

  rateLimited(startedInEpoch: number): void {
    if (startedInEpoch !== this.epoch) return;
    this.value = Math.max(1, Math.floor(this.value / 2));
    this.epoch += 1;
    this.answered = 0;
  }

  answer(): void {
    if (this.value >= this.max) return;
    this.answered += 1;
    if (this.answered >= this.value) {
      this.value += 1;
      this.answered = 0;
    }
  }
}
