import { compareIds, encodeBits, idsHash } from './bitset.js';
import type { HistoryFragility, HistoryVariant } from './types.js';

/** A suite's case ids sorted as the history stores them, the order that sorts them, and their hash. */
export interface SortedCaseList {
  ids: string[];
  hash: string;
  /** order[k] = case index of the k-th sorted id. */
  order: number[];
}

export function sortCaseList(caseIds: readonly string[]): SortedCaseList {
  const order = caseIds.map((_, index) => index).sort((a, b) => compareIds(caseIds[a] as string, caseIds[b] as string));
  const ids = order.map((i) => caseIds[i] as string);
  return { ids, hash: idsHash(ids), order };
}

/** Per-case flags (by case index) reordered onto the sorted ids. */
export function sortFlags(flags: ArrayLike<number>, list: SortedCaseList): Uint8Array {
  return Uint8Array.from(list.order, (i) => (flags[i] ? 1 : 0));
}

/** One variant's outcomes over the sorted ids. */
export interface SortedOutcomes {
  ids: readonly string[];
  correct: Uint8Array;
  answered: Uint8Array;
}

/** The numbers of one variant a history line keeps (the metrics of results.json, trimmed). */
export interface VariantSummary {
  model: string;
  passed: boolean;
  metrics: {
    n: number;
    errors: number;
    accuracy: number;
    accuracy_ci: [number, number];
    latency_ms: { p50: number; p95: number } | null;
    cost_usd: { per_1k: number | null };
  };
  /** results.json's `variants.<name>.fragility`, of which the history keeps the flip rate. */
  fragility?: HistoryFragility | undefined;
}

export function historyVariant(summary: VariantSummary, outcomes: SortedOutcomes): HistoryVariant {
  const { metrics } = summary;
  const answered = metrics.n - metrics.errors > 0;
  return {
    model: summary.model,
    n: metrics.n,
    errors: metrics.errors,
    accuracy: answered ? metrics.accuracy : null,
    accuracy_ci: answered ? metrics.accuracy_ci : null,
    latency_p50_ms: metrics.latency_ms?.p50 ?? null,
    latency_p95_ms: metrics.latency_ms?.p95 ?? null,
    cost_per_1k_usd: metrics.cost_usd.per_1k,
    correct: encodeBits(outcomes.correct),
    answered: encodeBits(outcomes.answered),
    passed: summary.passed,
    ...(summary.fragility ? { fragility: historyFragility(summary.fragility) } : {}),
  };
}

function historyFragility({ flip_rate, flip_rate_ci, n_calls }: HistoryFragility): HistoryFragility {
  return { flip_rate, flip_rate_ci: [flip_rate_ci[0], flip_rate_ci[1]], n_calls };
}
