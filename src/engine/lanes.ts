import { MAX_HONOURED_WAIT_MS, type RateLimitState } from '../providers/rate-limit.js';
import { sleep } from '../providers/retry.js';
import { type ChatResult, type ModelClient, ProviderError } from '../providers/types.js';
import type { ProviderSpec } from '../suite/types.js';
import { AdaptiveLimit } from './adaptive-limit.js';
import { canonicalJson } from './cache-key.js';

/** Connection failures in a row (no answer in between) after which a provider is taken as down. */
export const CONNECTION_FAILURES_TO_STOP = 5;

/** A call's hold on a lane slot; a call waiting to retry may give it up while the lane is over its limit. */
export interface Slot {
  held: boolean;
}

/** What a failure says, without the provider's name in front and the attempt count behind. */
function detailOf(error: ProviderError): string {
  return error.message.replace(/^provider "[^"]*": /, '').replace(/ \(after \d+ attempts?\)$/, '');
}

/**
 * One provider endpoint: its client, its adaptive concurrency limit, the pause its rate-limit headers ask
 * for, and whether it (or one of its models) is refused for the rest of the run.
 *
 * Slots bound calls, not attempts: a call keeps its slot while it waits to retry, so a slow or refusing
 * provider gets fewer new calls. Calls waiting to retry while the lane is over its (lowered) limit give up
 * their slot and get the next free one before any new call does.
 */
export class Lane {
  client: ModelClient | null = null;
  readonly limit: AdaptiveLimit;
  /** Calls holding a slot. */
  active = 0;
  /** Attempts on the wire. */
  attempting = 0;
  /** performance.now() before which no attempt starts: the server said its limit is used up. */
  pausedUntil = 0;
  private down: string | null = null;
  private readonly modelsDown = new Map<string, string>();
  private connectionFailures = 0;
  private readonly retryQueue: (() => void)[] = [];
  private pauseTimer: NodeJS.Timeout | null = null;
  /** Tokens an attempt uses, averaged over answers; for the tokens rate limit. */
  private tokensPerAttempt = 0;

  constructor(
    readonly provider: ProviderSpec,
    limit: number,
    private readonly changed: () => void,
  ) {
    this.limit = new AdaptiveLimit(limit);
  }

  /** Why calls to `model` are not made any more, or null. */
  refusal(model: string): string | null {
    return this.down ?? this.modelsDown.get(model) ?? null;
  }

  /** A new call may take a slot now (calls waiting to retry go first). */
  canStart(now: number): boolean {
    if (this.active >= this.limit.value || this.retryQueue.length > 0) return false;
    if (now < this.pausedUntil) {
      this.wakeAfterPause();
      return false;
    }
    return true;
  }

  enter(): Slot {
    this.active += 1;
    return { held: true };
  }

  leave(slot: Slot): void {
    if (!slot.held) return;
    slot.held = false;
    this.active -= 1;
    this.pump();
  }

  /**
   * Before a retry: gives the slot up while the lane is over its limit and waits for a free one, then waits
   * out a pause. False when `signal` ended the wait (the slot is then given up).
   */
  async readyForRetry(slot: Slot, signal: AbortSignal): Promise<boolean> {
    if (this.active > this.limit.value) {
      this.leave(slot);
      const granted = await new Promise<boolean>((resolve) => {
        const grant = () => {
          signal.removeEventListener('abort', cancel);
          resolve(true);
        };
        const cancel = () => {
          const index = this.retryQueue.indexOf(grant);
          if (index >= 0) this.retryQueue.splice(index, 1);
          resolve(false);
        };
        this.retryQueue.push(grant);
        signal.addEventListener('abort', cancel, { once: true });
        this.pump();
      });
      if (!granted) return false;
      slot.held = true;
    }
    while (!signal.aborted && performance.now() < this.pausedUntil) {
      await sleep(this.pausedUntil - performance.now(), signal);
    }
    return !signal.aborted;
  }

  succeeded(result: ChatResult, startedInEpoch: number): void {
    this.connectionFailures = 0;
    this.limit.record('answered', startedInEpoch);
    if (result.usage) {
      const used = result.usage.prompt + result.usage.completion;
      this.tokensPerAttempt = this.tokensPerAttempt === 0 ? used : 0.9 * this.tokensPerAttempt + 0.1 * used;
    }
    if (result.rateLimit) this.observe(result.rateLimit);
  }

  /**
   * Learns from a failed attempt: 429 bursts, waits the server asks for, exhausted limits, a provider or model
   * that refuses.
   */
  failed(error: unknown, model: string, startedInEpoch: number): void {
    const limited = error instanceof ProviderError && error.kind === 'rate_limited';
    this.limit.record(limited ? 'rate_limited' : 'failed', startedInEpoch);
    if (!(error instanceof ProviderError)) return;
    if (error.kind === 'connection') {
      this.connectionFailures += 1;
      if (this.connectionFailures >= CONNECTION_FAILURES_TO_STOP) {
        this.stop(`provider ${this.provider.name} unreachable (${detailOf(error)})`);
      }
      return;
    }
    if (error.status !== undefined) this.connectionFailures = 0;
    if (error.kind === 'auth') {
      this.stop(`provider ${this.provider.name} refused access (${detailOf(error)}); check its API key and headers`);
    } else if (error.status === 404 && !this.modelsDown.has(model)) {
      this.modelsDown.set(model, `model ${model} not found at provider ${this.provider.name} (${detailOf(error)})`);
      this.changed();
    }
    // A rate limit holds for the whole account, not one request: nothing new starts before the time it names.
    if (limited && error.hints.retryAfterMs !== undefined) this.pauseFor(error.hints.retryAfterMs);
    if (error.hints.rateLimit) this.observe(error.hints.rateLimit);
  }

  /** Clears timers; the lane is not used after. */
  close(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
  }

  private stop(reason: string): void {
    this.down ??= reason;
    // Calls waiting for a slot find the refusal once they get one.
    this.changed();
  }

  /**
   * Pauses the lane until the server's window resets when what is left of it would be used up by the attempts
   * already on the wire (their answers are still to come, so the count the server sent is already stale).
   */
  private observe(state: RateLimitState): void {
    const waits: number[] = [];
    if (state.requests && state.requests.remaining <= this.attempting) waits.push(state.requests.resetMs);
    const tokensNeeded = Math.max(1, this.attempting * this.tokensPerAttempt);
    if (state.tokens && state.tokens.remaining < tokensNeeded) waits.push(state.tokens.resetMs);
    if (waits.length > 0) this.pauseFor(Math.max(...waits));
  }

  private pauseFor(ms: number): void {
    const until = performance.now() + Math.min(ms, MAX_HONOURED_WAIT_MS);
    if (until > this.pausedUntil) this.pausedUntil = until;
  }

  private wakeAfterPause(): void {
    if (this.pauseTimer) return;
    this.pauseTimer = setTimeout(
      () => {
        this.pauseTimer = null;
        this.changed();
      },
      Math.max(0, this.pausedUntil - performance.now()),
    );
  }

  private pump(): void {
    while (this.retryQueue.length > 0 && this.active < this.limit.value) {
      this.active += 1;
      this.retryQueue.shift()?.();
    }
    this.changed();
  }
}

/**
 * Lanes keyed by the provider's settings, so suites that declare the same endpoint share one client and one
 * concurrency limit. The key is computed once per provider object.
 */
export function createLanes(concurrencyOverride: number | undefined, changed: () => void) {
  const keys = new WeakMap<ProviderSpec, string>();
  const lanes = new Map<string, Lane>();
  const laneOf = (provider: ProviderSpec): Lane => {
    let key = keys.get(provider);
    if (key === undefined) {
      key = canonicalJson(provider);
      keys.set(provider, key);
    }
    let lane = lanes.get(key);
    if (!lane) {
      const wanted = concurrencyOverride ?? provider.concurrency;
      const limit = Number.isFinite(wanted) && wanted >= 1 ? Math.floor(wanted) : 1;
      lane = new Lane(provider, limit, changed);
      lanes.set(key, lane);
    }
    return lane;
  };
  const closeAll = () => {
    for (const lane of lanes.values()) lane.close();
  };
  return { laneOf, closeAll };
}
