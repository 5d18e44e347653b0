import type { CaseRecord } from '../../src/engine/types.js';

/** A successful record with sensible defaults; override what the test is about. */
export function caseRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    suite: 'suite',
    variant: 'variant',
    case_id: '0',
    index: 0,
    input: 'input',
    expected: 'yes',
    output: 'yes',
    error: null,
    latency_ms: 100,
    ttft_ms: null,
    usage: { prompt: 10, completion: 2, cached: 0 },
    cost_usd: 0.001,
    cached: false,
    attempts: 1,
    simulated: false,
    ...overrides,
  };
}
