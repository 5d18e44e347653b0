import { exactUsd } from '../format.js';
import { costOfCall } from '../providers/pricing.js';
import { sleep } from '../providers/retry.js';
import type { ModelClient, TokenUsage } from '../providers/types.js';
import { type AttemptSignals, attemptCall } from './attempts.js';
import { createPriceLookup, estimateCost, refuseOverBudget } from './budget.js';
import { type CachedResponse, openResponseCache, type ResponseCache } from './cache.js';
import { effectiveCacheMode } from './cache-mode.js';
import { createLanes, type Lane } from './lanes.js';
import { describeError, errorRecord, responseRecord } from './records.js';
import { type Admission, BudgetGuard } from './reservation.js';
import { MAX_PENDING_RECORDS, RecordSink } from './sink.js';
import { StopControl } from './stop.js';
import {
  DEFAULT_FINAL_RETRY_MS,
  type HeldCall,
  MAX_HELD_CALLS,
  SWEEP_ROUNDS,
  sweepDelayMs,
  worthSweeping,
} from './sweep.js';
import type { CaseRecord, PlannedCall, RunOptions, RunSummary } from './types.js';

/**
 * The provider client module (and the openai SDK under it), loaded when the first call is made: a run served
 * from the cache never loads it.
 */
let clientModule: Promise<typeof import('../providers/client.js')> | undefined;

function loadClientModule(): Promise<typeof import('../providers/client.js')> {
  clientModule ??= import('../providers/client.js');
  return clientModule;
}

/** Cache writes in progress before the dispatcher pauses; a slow disk must not queue responses without bound. */
const MAX_PENDING_STORES = 256;

/** Arrays and sized re-iterables (such as `iteratePlan`) are used as is; a one-shot iterable is collected. */
function asPlan(calls: Iterable<PlannedCall>): { calls: Iterable<PlannedCall>; total: number } {
  if (Array.isArray(calls)) return { calls, total: calls.length };
  const size = (calls as { size?: unknown }).size;
  if (typeof size === 'number') return { calls, total: size };
  const list = [...calls];
  return { calls: list, total: list.length };
}

/**
 * Runs every planned call with bounded, adaptive concurrency per provider and returns the totals. Every call
 * yields exactly one record through `onRecord` — responses, failures, and calls never made (budget reached,
 * stopped, provider or model refused). Errored calls that one more try could fix are held back and retried in
 * a final sweep before they are reported. Throws only before the first call (budget estimate over
 * `maxCostUsd`, `beforeFirstCall`) or when a client cannot be built or `onRecord`/`onProgress` throws.
 */
export async function runCalls(calls: Iterable<PlannedCall> | PlannedCall[], options: RunOptions): Promise<RunSummary> {
  const startedAt = performance.now();
  const plan = asPlan(calls);
  const mode = effectiveCacheMode(options);
  const cache = mode === 'off' ? null : openResponseCache(options.cacheDir as string);
  // One listing of the cache up front: calls it does not hold skip the read, and the estimate skips them.
  const listing = cache ? cache.scan() : { keys: new Set<string>(), temps: [] };
  await cache?.removeOrphanTemps(listing.temps);
  // A refresh reads nothing: as if the cache were empty, while every answer is still stored.
  const readable = mode === 'use' ? listing.keys : new Set<string>();
  if (options.maxCostUsd !== undefined) {
    // Also loads the tokenizer the budget guard counts prompts with.
    const estimate = await estimateCost(plan.calls, undefined, readable);
    refuseOverBudget('estimated cost', estimate.usd, options.maxCostUsd);
  }
  await options.beforeFirstCall?.();
  return new Run(plan.calls, plan.total, options, cache ? { cache, keys: readable } : null, startedAt).execute();
}

/** A call to dispatch: from the plan, or held back from an earlier pass. */
interface Job {
  call: PlannedCall;
  held: HeldCall | null;
}

class Run {
  private budgetExhausted = false;
  private fatal: { error: unknown } | null = null;
  private inFlight = 0;
  private pendingStores = 0;
  private held: HeldCall[] = [];
  private wakeDispatcher: (() => void) | null = null;
  private readonly records: RecordSink;
  private readonly lanes;
  private readonly priceOf = createPriceLookup((suite) => suite.pricing);
  private readonly budget: BudgetGuard;
  private readonly stop: StopControl;

  constructor(
    private readonly calls: Iterable<PlannedCall>,
    private readonly total: number,
    private readonly options: RunOptions,
    private readonly cache: { cache: ResponseCache; keys: ReadonlySet<string> } | null,
    private readonly startedAt: number,
  ) {
    this.lanes = createLanes(options.concurrency, () => this.wake());
    this.budget = new BudgetGuard(options.maxCostUsd, this.priceOf);
    this.stop = new StopControl(options, () => this.wake());
    this.records = new RecordSink(options, {
      progressOf: (counts) => ({
        ...counts,
        total,
        spent_usd: this.budget.spent,
        elapsed_ms: performance.now() - startedAt,
      }),
      failed: () => this.fatal !== null,
      fail: (error) => this.fail(error),
      drained: () => this.wake(),
    });
  }

  async execute(): Promise<RunSummary> {
    try {
      const fresh = (function* (calls) {
        for (const call of calls) yield { call, held: null };
      })(this.calls);
      await this.dispatch(fresh, { attempts: this.stop.attempts, waits: this.stop.waits });
      await this.waitUntil(() => this.inFlight === 0);
      await this.finalSweep();
      for (const { record, call } of this.held.splice(0)) this.records.deliver(record, call);
      return await this.finish();
    } finally {
      this.stop.dispose();
      this.lanes.closeAll();
    }
  }

  private async finish(): Promise<RunSummary> {
    await this.waitUntil(() => this.inFlight === 0);
    await this.records.flushed();
    // Every cache write has finished (or failed) when the run returns: nothing touches the cache after it.
    await this.waitUntil(() => this.pendingStores === 0);
    if (this.fatal) throw this.fatal.error;
    const { records } = this;
    this.options.onProgress?.(records.progress());
    return {
      total: this.total,
      completed: records.done - records.errors,
      errors: records.errors,
      cached: records.cached,
      spent_usd: this.budget.spent,
      budget_exhausted: this.budgetExhausted,
      interrupted: this.stop.stopped !== null,
      recovered: records.recovered,
      elapsed_ms: performance.now() - this.startedAt,
    };
  }

  /**
   * Retries the held errored calls, in up to SWEEP_ROUNDS rounds after a backoff, within a time bound; the
   * calls it cannot recover are reported with their last error.
   */
  private async finalSweep(): Promise<void> {
    const limitMs = this.options.finalRetryMs ?? DEFAULT_FINAL_RETRY_MS;
    if (this.held.length === 0 || limitMs <= 0) return;
    const deadline = AbortSignal.timeout(limitMs);
    const signals: AttemptSignals = {
      attempts: AbortSignal.any([this.stop.attempts, deadline]),
      waits: AbortSignal.any([this.stop.waits, deadline]),
    };
    for (let round = 0; round < SWEEP_ROUNDS && this.held.length > 0; round++) {
      await sleep(sweepDelayMs(round, this.held), signals.waits);
      if (signals.waits.aborted || this.fatal) return;
      const jobs = this.held.splice(0).map((held) => ({ call: held.call, held }));
      await this.dispatch(jobs, signals);
      await this.waitUntil(() => this.inFlight === 0);
    }
  }

  /** Walks the jobs in order; one dispatcher, so a plan position is the only queue (no array shifts). */
  private async dispatch(jobs: Iterable<Job>, signals: AttemptSignals): Promise<void> {
    try {
      for (const job of jobs) {
        await this.waitUntil(
          () =>
            (this.records.pending < MAX_PENDING_RECORDS && this.pendingStores < MAX_PENDING_STORES) ||
            this.fatal !== null,
        );
        if (this.fatal) return;
        const { call } = job;
        const lane = job.held?.lane ?? this.laneOf(call);
        if (!lane) {
          this.records.emit(
            errorRecord(call, `provider "${call.variant.provider}" is not defined in the suite`, 0),
            call,
          );
          continue;
        }
        if (!job.held && this.serveFromCache(call)) continue;
        const admission = await this.admit(call, lane, signals);
        if (this.fatal) return;
        if (typeof admission === 'string') this.notRun(job, admission);
        else void this.perform(job, lane, admission.reserve, signals);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private laneOf(call: PlannedCall): Lane | null {
    const provider = call.suite.providers[call.variant.provider];
    return provider ? this.lanes.laneOf(provider) : null;
  }

  /** Served without a provider slot. The record keeps what the call cost when it was made; nothing is spent. */
  private serveFromCache(call: PlannedCall): boolean {
    if (this.stop.stopped || this.cache?.keys.size === 0) return false;
    const hit = this.cache?.keys.has(call.cacheKey) ? this.cache.cache.get(call.cacheKey) : null;
    if (!hit) return false;
    const cost_usd = this.costOf(call, hit.usage, hit.latency_ms);
    this.records.emit(responseRecord(call, hit, { cost_usd, cached: true, attempts: 0 }), call);
    return true;
  }

  /** Waits for a slot on the lane and room in the budget; a string says why the call is not made. */
  private async admit(call: PlannedCall, lane: Lane, signals: AttemptSignals): Promise<{ reserve: number } | string> {
    let decision: Admission | string = 'wait';
    await this.waitUntil(() => {
      const refused = this.refusal(call, lane, signals);
      if (refused !== null) decision = refused;
      else if (lane.canStart(performance.now())) decision = this.budget.admit(call);
      return decision !== 'wait' || this.fatal !== null;
    });
    const admitted: Admission | string = decision;
    if (admitted === 'exhausted') {
      this.budgetExhausted = true;
      return this.budgetReason();
    }
    return admitted === 'wait' ? 'not run: the run failed' : admitted;
  }

  private refusal(call: PlannedCall, lane: Lane, signals: AttemptSignals): string | null {
    const stopped = this.stop.notRunReason();
    if (stopped) return stopped;
    if (this.budgetExhausted) return this.budgetReason();
    if (signals.waits.aborted) return 'not run: the final retry sweep ran out of time';
    const refused = lane.refusal(call.variant.model);
    return refused === null ? null : `not run: ${refused}`;
  }

  private budgetReason(): string {
    return `not run: budget of ${exactUsd(this.options.maxCostUsd ?? 0)} reached`;
  }

  /** A call not made: a held call keeps the error it had; a fresh one is recorded as not run. */
  private notRun(job: Job, reason: string): void {
    if (job.held) this.records.deliver(job.held.record, job.call);
    else this.records.emit(errorRecord(job.call, reason, 0), job.call);
  }

  private async perform(job: Job, lane: Lane, reserve: number, signals: AttemptSignals): Promise<void> {
    const { call } = job;
    const slot = lane.enter();
    this.inFlight += 1;
    this.budget.hold(call, reserve);
    let cost: number | null = null;
    let usage: TokenUsage | null = null;
    let answered = false;
    try {
      const outcome = await attemptCall(call, lane, lane.client ?? (await this.clientOf(lane)), slot, signals);
      const attempts = (job.held?.record.attempts ?? 0) + outcome.attempts;
      if ('result' in outcome) {
        const { result } = outcome;
        const response: CachedResponse = {
          text: result.text,
          usage: result.usage,
          latency_ms: result.latency_ms,
          ttft_ms: result.ttft_ms ?? null,
          simulated: result.simulated,
        };
        answered = true;
        usage = result.usage;
        cost = this.costOf(call, result.usage, result.latency_ms);
        this.store(call, response);
        this.answered(job, responseRecord(call, response, { cost_usd: cost, cached: false, attempts }));
      } else {
        this.failed(job, lane, outcome.error, attempts, signals);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.budget.settle(call, reserve, cost, usage, answered);
      if (this.budget.reached) this.budgetExhausted = true;
      lane.leave(slot);
      this.inFlight -= 1;
      this.wake();
    }
  }

  private answered(job: Job, record: CaseRecord): void {
    if (job.held) this.records.recover(record, job.call);
    else this.records.emit(record, job.call);
  }

  /** Holds a failure the final sweep may fix; reports the others. */
  private failed(job: Job, lane: Lane, error: unknown, attempts: number, signals: AttemptSignals): void {
    const { call } = job;
    if (job.held && signals.attempts.aborted) {
      // Cut short by the sweep's time bound or a stop: the error it had says more than "aborted".
      this.records.deliver({ ...job.held.record, attempts }, call);
      return;
    }
    const stopped = signals.attempts.aborted ? (this.stop.stopped ?? 'aborted') : null;
    const message = stopped ? `${stopped}: ${describeError(error)}` : describeError(error);
    const record = errorRecord(call, message, attempts);
    const holdable =
      !stopped &&
      (this.options.finalRetryMs ?? DEFAULT_FINAL_RETRY_MS) > 0 &&
      worthSweeping(error, lane, call) &&
      (job.held !== null || this.held.length < MAX_HELD_CALLS);
    if (!job.held) this.records.count(record);
    if (holdable) this.held.push({ call, lane, record, error });
    else this.records.deliver(record, call);
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

  private async clientOf(lane: Lane): Promise<ModelClient> {
    const make = this.options.clientFor ?? (await loadClientModule()).createAttemptClient;
    lane.client ??= make(lane.provider, this.options.env);
    return lane.client;
  }

  private costOf(call: PlannedCall, usage: TokenUsage | null, latencyMs: number | null): number | null {
    return costOfCall(this.priceOf(call), usage, latencyMs);
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

  /** Sleeps until `ready()` holds; woken by finished calls, delivered records, lanes, stops and failures. */
  private async waitUntil(ready: () => boolean): Promise<void> {
    while (!ready()) {
      await new Promise<void>((resolve) => {
        this.wakeDispatcher = resolve;
      });
    }
  }
}
