import type { CachedResponse } from './cache.js';
import type { CaseRecord, PlannedCall } from './types.js';

function base(call: PlannedCall) {
  return {
    suite: call.suite.name,
    variant: call.variant.name,
    case_id: call.case.id,
    index: call.case.index,
    input: call.case.input,
    expected: call.case.expected,
  };
}

/** A response (fresh or from the cache) turned into the case's record. */
export function responseRecord(
  call: PlannedCall,
  response: CachedResponse,
  outcome: { cost_usd: number | null; cached: boolean; attempts: number },
): CaseRecord {
  return {
    ...base(call),
    output: response.text,
    error: null,
    latency_ms: response.latency_ms,
    ttft_ms: response.ttft_ms,
    usage: response.usage,
    cost_usd: outcome.cost_usd,
    cached: outcome.cached,
    attempts: outcome.attempts,
    simulated: response.simulated,
  };
}

/** A call that failed or was never made: recorded, never dropped. */
export function errorRecord(call: PlannedCall, error: string, attempts: number): CaseRecord {
  return {
    ...base(call),
    output: null,
    error,
    latency_ms: null,
    ttft_ms: null,
    usage: null,
    cost_usd: null,
    cached: false,
    attempts,
    simulated: false,
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
