import { isRetryable, retryDelayMs } from '../providers/retry.js';
import type { Lane } from './lanes.js';
import type { CaseRecord, PlannedCall } from './types.js';

/** Rounds of the final retry sweep; each gives every held call the provider's max_retries again. */
export const SWEEP_ROUNDS = 3;
/** Default time bound of the final retry sweep. */
export const DEFAULT_FINAL_RETRY_MS = 60_000;
/** Errored calls held for the sweep at most; beyond, errors are reported at once (memory stays bounded). */
export const MAX_HELD_CALLS = 10_000;

/** An errored call kept back from `onRecord` until the final sweep decides its fate. */
export interface HeldCall {
  call: PlannedCall;
  lane: Lane;
  /** The record reported if the sweep does not recover it. */
  record: CaseRecord;
  error: unknown;
}

/** Whether a failed call is worth another round: a retryable error on a provider and model still in use. */
export function worthSweeping(error: unknown, lane: Lane, call: PlannedCall): boolean {
  return isRetryable(error) && lane.provider.max_retries > 0 && lane.refusal(call.variant.model) === null;
}

/** The wait before sweep round `round`: what the servers asked for, or a backoff longer than any retry's. */
export function sweepDelayMs(round: number, held: readonly HeldCall[]): number {
  let longest = 0;
  for (const { error } of held) longest = Math.max(longest, retryDelayMs(error, round + 1));
  return longest;
}
