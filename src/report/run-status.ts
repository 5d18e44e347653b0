import type { CacheMode } from '../engine/types.js';
import type { RunResults } from './types.js';

const CACHE_MODE_MEANING: Record<CacheMode, string> = {
  use: 'stored answers replayed; only requests not stored yet call a model',
  refresh: 'every model called fresh',
  off: 'nothing read from or stored in the cache',
};

/** Which cache mode ran and what it means, e.g. `cache: refresh (every model called fresh)`. */
export function cacheModeText(mode: CacheMode): string {
  return `cache: ${mode} (${CACHE_MODE_MEANING[mode]})`;
}

/** `suite/variant` names whose every call failed: the provider is down or misconfigured. */
export function unreachableVariants(results: RunResults): string[] {
  return results.suites.flatMap((suite) =>
    Object.entries(suite.variants)
      .filter(([, v]) => v.metrics.n > 0 && v.metrics.errors === v.metrics.n)
      .map(([name]) => `${suite.name}/${name}`),
  );
}

/** Why the run itself failed (not a gate), or null. */
export function runtimeFailure(results: RunResults): string | null {
  if (results.summary.incomplete) return 'the run was interrupted before every case ran; its results are incomplete';
  if (results.summary.budget_exhausted) return 'the budget (--max-cost-usd) was reached before every case ran';
  const unreachable = unreachableVariants(results);
  if (unreachable.length > 0) return `every call of ${unreachable.join(', ')} failed; check the provider`;
  return null;
}

/** Why the run stopped before every call was made, if it did. */
export function stopReason(results: RunResults): string | null {
  if (results.summary.incomplete) return 'interrupted';
  return results.summary.budget_exhausted ? 'budget reached' : null;
}

/** `Run failed: why.` when the run itself failed, else null. */
export function failureLine(results: RunResults): string | null {
  const failure = runtimeFailure(results);
  return failure === null ? null : `Run failed: ${failure}.`;
}

/** The closing line of a report; it matches the exit code, so a failed run never reads as passed. */
export function outcomeLine(results: RunResults): string {
  return failureLine(results) ?? (results.summary.passed ? 'All gates passed.' : 'Some gates failed.');
}
