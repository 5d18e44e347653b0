import type { CaseRecord, PlannedCall } from '../engine/types.js';
import type { BatchSummary } from '../report/types.js';
import type { BatchCollection } from './batch-run.js';

/**
 * Prices the answers this run collected from batches: they reach the engine as cache hits, yet this run paid
 * for them, at the batch price (the synchronous price less the provider's batch discount). Their records say
 * `via: 'batch'` with `batch_cost_usd`, are not counted as cached, and have no latency (a batch measures none).
 */
export class BatchAccount {
  private spent = 0;
  private saved = 0;
  /** Records served from collected answers. */
  records = 0;

  constructor(private readonly collection: BatchCollection) {}

  /** The record as this run paid for it, when its answer was collected from a batch; else the record itself. */
  account(record: CaseRecord, call: PlannedCall): CaseRecord {
    if (!record.cached) return record;
    const discount = this.collection.collected.get(call.cacheKey);
    if (discount === undefined) return record;
    this.records++;
    const full = record.cost_usd;
    const cost = full === null ? null : full * (1 - discount);
    if (full !== null && cost !== null) {
      this.spent += cost;
      this.saved += full - cost;
    }
    // cost_usd stays the synchronous price: the verdict's economics price live traffic, never batched.
    return { ...record, cached: false, via: 'batch', batch_cost_usd: cost, latency_ms: null, ttft_ms: null };
  }

  get spentUsd(): number {
    return this.spent;
  }

  summary(): BatchSummary {
    const { batches, requests, failed_lines, expired } = this.collection;
    return {
      batches,
      requests,
      collected: this.records,
      failed_lines,
      expired,
      spent_usd: this.spent,
      saved_usd: this.saved,
    };
  }
}
