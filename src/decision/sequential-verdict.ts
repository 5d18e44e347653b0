import type { SequentialStopReason } from './sequential-test.js';
import type { Comparison } from './types.js';

/** What the looks of a sequential suite settled, for the verdict. */
export interface SequentialEvidence {
  stopped_because: SequentialStopReason;
  /** the repeated confidence interval at the stopping look's adjusted (two-sided) level */
  adjusted_interval: { low: number; high: number; level: number };
}

/**
 * The candidate's comparison as a sequential run reads it: non-inferior only when the efficacy bound
 * was crossed, worse only when the repeated interval lies below the margin, and the interval shown is
 * the adjusted one (the unadjusted interval of a stopped run overstates what it shows).
 */
export function withSequential(comparison: Comparison, evidence: SequentialEvidence): Comparison {
  const { low, high, level } = evidence.adjusted_interval;
  return {
    ...comparison,
    accuracy_diff_ci: [low, high],
    confidence: level,
    non_inferior: evidence.stopped_because === 'non-inferior',
    worse_beyond_margin: evidence.stopped_because === 'worse',
    // Futility says more cases of this kind would not settle the question either.
    additional_cases_needed: evidence.stopped_because === 'futile' ? null : comparison.additional_cases_needed,
  };
}
