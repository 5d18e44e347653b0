import { usd } from './format.js';
import type { RunResults } from './types.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 'es'}`;

/**
 * What a `--batch` run collected, in one sentence: the answers count as spent in this run at the batch price,
 * and what was called synchronously instead. Null for a run without batches.
 */
export function batchSummaryText(results: RunResults): string | null {
  const batch = results.summary.batch;
  if (!batch) return null;
  if (batch.batches === 0) return 'batch: nothing to submit, every answer was already in the cache';
  const expired = batch.expired > 0 ? ` (${batch.expired} expired, answered lines kept)` : '';
  const failed =
    batch.failed_lines > 0
      ? `; ${batch.failed_lines} failed line${batch.failed_lines === 1 ? '' : 's'} called synchronously`
      : '';
  return (
    `batch: ${plural(batch.batches, 'batch')} collected${expired}, ${batch.collected} answers at the batch price: ` +
    `${usd(batch.spent_usd)} spent, ${usd(batch.saved_usd)} saved against the synchronous price${failed}; ` +
    'a batch measures no latency: it is measured on the calls kept out of the batch (a tenth of each variant’s, at most 30)'
  );
}
