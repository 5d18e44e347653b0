import type { CaseRecord, PlannedCall, Progress, RunOptions } from './types.js';

const PROGRESS_INTERVAL_MS = 100;
/** Records queued behind a slow onRecord before the dispatcher pauses; bounds memory on huge runs. */
export const MAX_PENDING_RECORDS = 1024;

/**
 * Where records go: counts them (for progress and the summary) and hands them to `onRecord` one at a time,
 * in completion order, off the network path. Counting and delivery are apart because a held error is
 * counted when it happens and delivered only after the final sweep.
 */
export class RecordSink {
  done = 0;
  errors = 0;
  cached = 0;
  recovered = 0;
  /** Records handed over but not yet taken by onRecord. */
  pending = 0;
  private chain: Promise<void> = Promise.resolve();
  private lastProgressAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: Pick<RunOptions, 'onRecord' | 'onProgress'>,
    private readonly run: {
      /** The progress report around the counts. */
      progressOf(counts: Pick<Progress, 'done' | 'errors' | 'cached'>): Progress;
      /** True once the run failed: nothing more is delivered. */
      failed(): boolean;
      /** Told when onRecord throws. */
      fail(error: unknown): void;
      /** Told when the backlog has room again. */
      drained(): void;
    },
  ) {}

  /** Counts the record and hands it to onRecord. */
  emit(record: CaseRecord, call: PlannedCall): void {
    this.count(record);
    this.deliver(record, call);
  }

  count(record: CaseRecord): void {
    this.done += 1;
    if (record.error !== null) this.errors += 1;
    if (record.cached) this.cached += 1;
    const now = performance.now();
    if (this.options.onProgress && now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      this.lastProgressAt = now;
      this.options.onProgress(this.progress());
    }
  }

  /** A held error the final sweep turned into an answer: counted as an error before, an answer now. */
  recover(record: CaseRecord, call: PlannedCall): void {
    this.errors -= 1;
    this.recovered += 1;
    this.deliver(record, call);
  }

  deliver(record: CaseRecord, call: PlannedCall): void {
    this.pending += 1;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.run.failed()) await this.options.onRecord(record, call);
      } catch (error) {
        this.run.fail(error);
      } finally {
        this.pending -= 1;
        if (this.pending === MAX_PENDING_RECORDS - 1) this.run.drained();
      }
    });
  }

  /** Resolves once onRecord has taken every record handed over so far. */
  flushed(): Promise<void> {
    return this.chain;
  }

  progress(): Progress {
    return this.run.progressOf({ done: this.done, errors: this.errors, cached: this.cached });
  }
}
