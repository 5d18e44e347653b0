import { ExitCode, TunegateError } from '../errors.js';
import { createModelClient } from '../providers/client.js';
import { costOfCall } from '../providers/pricing.js';
import { type ChatResult, type ModelClient, ProviderError, type TokenUsage } from '../providers/types.js';
import { createPriceLookup, estimateCost } from './budget.js';
import { type CachedResponse, openResponseCache, type ResponseCache } from './cache.js';
import { createLanes, type Lane } from './lanes.js';
import { describeError, errorRecord, responseRecord } from './records.js';
import type { CaseRecord, PlannedCall, Progress, RunOptions, RunSummary } from './types.js';

const PROGRESS_INTERVAL_MS = 100;
/** Records queued behind a slow onRecord before the dispatcher pauses; bounds memory on huge runs. */
const MAX_PENDING_RECORDS = 1024;
/** Cache writes in progress before the dispatcher pauses; a slow disk must not queue responses without bound. */
const MAX_PENDING_STORES = 256;

function usd(value: number): string {
  return `$${Number(value.toFixed(4))}`;
}

/** Arrays and sized re-iterables (such as `iteratePlan`) are used as is; a one-shot iterable is collected. */
function asPlan(calls: Iterable<PlannedCall>): { calls: Iterable<PlannedCall>; total: number } {
  if (Array.isArray(calls)) return { calls, total: calls.length };
  const size = (calls as { size?: unknown }).size;
  if (typeof size === 'number') return { calls, total: size };
  const list = [...calls];
  return { calls: list, total: list.length };
}

/**
 * Runs every planned call with bounded concurrency per provider and returns the totals. Every call yields
 * exactly one record through `onRecord` — responses, failures, and calls never made (budget reached, aborted).
 * Throws only before the first call (budget estimate over `maxCostUsd`) or when a client cannot be built or
 * `onRecord`/`onProgress` throws.
 */
export async function runCalls(calls: Iterable<PlannedCall> | PlannedCall[], options: RunOptions): Promise<RunSummary> {
  const startedAt = performance.now();
  const plan = asPlan(calls);
  const cache = options.cacheDir === undefined ? null : openResponseCache(options.cacheDir);
  // One listing of the cache up front: calls it does not hold skip the read, and the estimate skips them.
  const cachedKeys = cache ? cache.keys() : new Set<string>();
  if (options.maxCostUsd !== undefined) {
    const estimate = await estimateCost(plan.calls, undefined, cachedKeys);
    if (estimate.usd > options.maxCostUsd) {
      throw new TunegateError(
        'budget-estimate',
        `estimated cost ${usd(estimate.usd)} exceeds --max-cost-usd ${usd(options.maxCostUsd)}; lower the sample size or raise the budget`,
        { exitCode: ExitCode.runtime },
      );
    }
  }
  return new Run(plan.calls, plan.total, options, cache ? { cache, keys: cachedKeys } : null, startedAt).execute();
}

class Run {
  private done = 0;
  private errors = 0;
  private cached = 0;
  private spent = 0;
  private budgetExhausted = false;
  private fatal: { error: unknown } | null = null;
  private inFlight = 0;
  private pendingRecords = 0;
  private pendingStores = 0;
  private recordChain: Promise<void> = Promise.resolve();
  private wakeDispatcher: (() => void) | null = null;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private readonly laneOf;
  private readonly priceOf = createPriceLookup((suite) => suite.pricing);
  private readonly makeClient;

  constructor(
    private readonly calls: Iterable<PlannedCall>,
    private readonly total: number,
    private readonly options: RunOptions,
    private readonly cache: { cache: ResponseCache; keys: ReadonlySet<string> } | null,
    private readonly startedAt: number,
  ) {
    this.laneOf = createLanes(options.concurrency);
    this.makeClient = options.clientFor ?? createModelClient;
  }

  async execute(): Promise<RunSummary> {
    const { signal } = this.options;
    const onAbort = () => this.wake();
    signal?.addEventListener('abort', onAbort);
    try {
      await this.dispatchAll();
      return await this.finish();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async finish(): Promise<RunSummary> {
    await this.waitUntil(() => this.inFlight === 0);
    await this.recordChain;
    // Every cache write has finished (or failed) when the run returns: nothing touches the cache after it.
    await this.waitUntil(() => this.pendingStores === 0);
    if (this.fatal) throw this.fatal.error;
    this.options.onProgress?.(this.progress(performance.now()));
    return {
      total: this.total,
      completed: this.done - this.errors,
      errors: this.errors,
      cached: this.cached,
      spent_usd: this.spent,
      budget_exhausted: this.budgetExhausted,
      interrupted: this.options.signal?.aborted === true || this.options.stopSignal?.aborted === true,
      recovered: 0,
      elapsed_ms: performance.now() - this.startedAt,
    };
  }

  /** Walks the plan in order; one dispatcher, so a plan position is the only queue (no array shifts). */
  private async dispatchAll(): Promise<void> {
    try {
      for (const call of this.calls) {
        await this.waitUntil(
          () =>
            (this.pendingRecords < MAX_PENDING_RECORDS && this.pendingStores < MAX_PENDING_STORES) ||
            this.fatal !== null,
        );
        if (this.fatal) return;
        const provider = call.suite.providers[call.variant.provider];
        if (!provider) {
          this.emit(errorRecord(call, `provider "${call.variant.provider}" is not defined in the suite`, 0), call);
          continue;
        }
        const stopped = this.stopReason();
        if (stopped) {
          this.emit(errorRecord(call, stopped, 0), call);
          continue;
        }
        const hit = this.cache?.keys.has(call.cacheKey) ? this.cache.cache.get(call.cacheKey) : null;
        if (hit) {
          // Served without a provider slot. The record keeps what the call cost when it was made; nothing is spent.
          const cost_usd = this.costOf(call, hit.usage, hit.latency_ms);
          this.emit(responseRecord(call, hit, { cost_usd, cached: true, attempts: 0 }), call);
          continue;
        }
        const lane = this.laneOf(provider);
        await this.waitUntil(() => lane.inFlight < lane.limit || this.stopReason() !== null || this.fatal !== null);
        if (this.fatal) return;
        const notRun = this.stopReason();
        if (notRun) this.emit(errorRecord(call, notRun, 0), call);
        else void this.perform(call, lane);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private async perform(call: PlannedCall, lane: Lane): Promise<void> {
    lane.inFlight += 1;
    this.inFlight += 1;
    try {
      const { record, response } = await this.callModel(call, lane);
      if (response) this.store(call, response);
      this.emit(record, call);
    } catch (error) {
      this.fail(error);
    } finally {
      lane.inFlight -= 1;
      this.inFlight -= 1;
      this.wake();
    }
  }

  /** Writes in the background; the run waits for every write before it returns. */
  private store(call: PlannedCall, response: CachedResponse): void {
    if (!this.cache) return; // before reading call.cacheKey: without a cache the key is never computed
    this.pendingStores += 1;
    this.cache.cache
      .set(call.cacheKey, response)
      .catch(() => {
        // The cache is an optimisation: a failed write (disk full, read-only) must not fail a good response;
        // the entry is simply missing next time.
      })
      .finally(() => {
        this.pendingStores -= 1;
        if (this.pendingStores === 0 || this.pendingStores === MAX_PENDING_STORES - 1) this.wake();
      });
  }

  private async callModel(
    call: PlannedCall,
    lane: Lane,
  ): Promise<{ record: CaseRecord; response: CachedResponse | null }> {
    const client = this.clientOf(lane);
    const { signal } = this.options;
    let result: ChatResult;
    try {
      result = await client.complete(
        { model: call.variant.model, messages: call.messages, params: call.variant.params },
        signal,
      );
    } catch (error) {
      const attempts = error instanceof ProviderError ? error.attempts : 1;
      const message = signal?.aborted ? `aborted: ${describeError(error)}` : describeError(error);
      return { record: errorRecord(call, message, attempts), response: null };
    }
    const response: CachedResponse = {
      text: result.text,
      usage: result.usage,
      latency_ms: result.latency_ms,
      ttft_ms: result.ttft_ms ?? null,
      simulated: result.simulated,
    };
    const cost = this.costOf(call, result.usage, result.latency_ms);
    this.spend(cost);
    return {
      record: responseRecord(call, response, { cost_usd: cost, cached: false, attempts: result.attempts }),
      response,
    };
  }

  private clientOf(lane: Lane): ModelClient {
    lane.client ??= this.makeClient(lane.provider, this.options.env);
    return lane.client;
  }

  private costOf(call: PlannedCall, usage: TokenUsage | null, latencyMs: number): number | null {
    return costOfCall(this.priceOf(call), usage, latencyMs);
  }

  private spend(cost: number | null): void {
    if (cost === null) return;
    this.spent += cost;
    const max = this.options.maxCostUsd;
    if (max !== undefined && this.spent >= max) this.budgetExhausted = true;
  }

  private stopReason(): string | null {
    if (this.options.signal?.aborted) return 'not run: aborted';
    if (this.budgetExhausted) return `not run: budget of ${usd(this.options.maxCostUsd ?? 0)} reached`;
    return null;
  }

  /** Counts the record now; hands it to onRecord one at a time, in completion order, off the network path. */
  private emit(record: CaseRecord, call: PlannedCall): void {
    this.done += 1;
    if (record.error !== null) this.errors += 1;
    if (record.cached) this.cached += 1;
    this.pendingRecords += 1;
    this.recordChain = this.recordChain.then(() => this.deliver(record, call));
    const now = performance.now();
    if (this.options.onProgress && now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      this.lastProgressAt = now;
      this.options.onProgress(this.progress(now));
    }
  }

  private async deliver(record: CaseRecord, call: PlannedCall): Promise<void> {
    try {
      if (!this.fatal) await this.options.onRecord(record, call);
    } catch (error) {
      this.fail(error);
    } finally {
      this.pendingRecords -= 1;
      if (this.pendingRecords === MAX_PENDING_RECORDS - 1) this.wake();
    }
  }

  private progress(now: number): Progress {
    return {
      done: this.done,
      total: this.total,
      errors: this.errors,
      cached: this.cached,
      spent_usd: this.spent,
      elapsed_ms: now - this.startedAt,
    };
  }

  private fail(error: unknown): void {
    this.fatal ??= { error };
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeDispatcher;
    this.wakeDispatcher = null;
    wake?.();
  }

  /** Sleeps until `ready()` holds; woken by finished calls, delivered records, aborts and failures. */
  private async waitUntil(ready: () => boolean): Promise<void> {
    while (!ready()) {
      await new Promise<void>((resolve) => {
        this.wakeDispatcher = resolve;
      });
    }
  }
}
