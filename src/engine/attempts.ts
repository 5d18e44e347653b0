import { attemptsOf, isRetryable, retryDelayMs, sleep } from '../providers/retry.js';
import type { ChatResult, ModelClient } from '../providers/types.js';
import type { Lane, Slot } from './lanes.js';
import type { PlannedCall } from './types.js';

export type CallOutcome = { result: ChatResult; attempts: number } | { error: unknown; attempts: number };

export interface AttemptSignals {
  /** Aborts an attempt on the wire. */
  attempts: AbortSignal;
  /** Ends the waits between attempts: no retry after it. */
  waits: AbortSignal;
}

/**
 * Makes one call: attempts it, and retries retryable failures up to the provider's max_retries, waiting as
 * the server asks (or backing off with jitter) and passing every retry through the lane, so retries obey
 * its adaptive limit and its rate-limit pauses. Stops retrying once the lane refuses the call's model.
 * The caller has entered `slot` and leaves it afterwards.
 */
export async function attemptCall(
  call: PlannedCall,
  lane: Lane,
  client: ModelClient,
  slot: Slot,
  signals: AttemptSignals,
): Promise<CallOutcome> {
  const model = call.variant.model;
  const request = { model, messages: call.messages, params: call.variant.params };
  const maxRetries = lane.provider.max_retries;
  let attempts = 0;
  for (let retry = 0; ; retry++) {
    const epoch = lane.limit.epoch;
    lane.attempting += 1;
    let error: unknown;
    try {
      const result = await client.complete(request, signals.attempts);
      lane.attempting -= 1;
      lane.succeeded(result, epoch);
      return { result, attempts: attempts + result.attempts };
    } catch (failure) {
      lane.attempting -= 1;
      lane.failed(failure, model, epoch);
      error = failure;
    }
    attempts += attemptsOf(error);
    const giveUp = retry >= maxRetries || !isRetryable(error) || signals.waits.aborted || lane.refusal(model) !== null;
    if (giveUp) return { error, attempts };
    await sleep(retryDelayMs(error, retry), signals.waits);
    // The lane may have refused the model while this call waited, for its turn as well as for the backoff.
    const ready = lane.refusal(model) === null && (await lane.readyForRetry(slot, signals.waits));
    if (!ready || lane.refusal(model) !== null) return { error, attempts };
  }
}
