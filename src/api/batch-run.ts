import { openResponseCache } from '../engine/cache.js';
import { endpointOf } from '../engine/cache-key.js';
import { iteratePlan } from '../engine/plan.js';
import type { PlannedCall } from '../engine/types.js';
import { ExitCode, TunegateError } from '../errors.js';
import {
  BATCH_ENDPOINT,
  type BatchClient,
  type BatchState,
  createBatchClient,
  FINISHED_STATUSES,
} from '../providers/batch.js';
import { sleep } from '../providers/retry.js';
import type { ProviderSpec } from '../suite/types.js';
import { batchDiscountOf, checkBatchBudget } from './batch-check.js';
import { type BatchRecord, BatchRecords } from './batch-records.js';
import type { SuiteWithCases } from './validate.js';

/** `submit`: submit what is missing, collect if finished, else stop pending; `wait`: poll until finished. */
export type BatchMode = 'submit' | 'wait';

/** OpenAI's limit of requests per batch. */
const MAX_BATCH_REQUESTS = 50_000;

export interface BatchRunOptions {
  mode: BatchMode;
  cacheDir: string;
  env: Record<string, string | undefined>;
  /** Builds a provider's Batch API client (default: the `openai` SDK's); injectable for tests. */
  batchClientFor?: (provider: ProviderSpec, env: Record<string, string | undefined>) => BatchClient;
  /** Progress lines: what was submitted, what is pending, what was collected. */
  onProgress?: (line: string) => void;
  /** Polling of `wait`: the first interval, growing by half each time up to the cap (default 2 s → 60 s). */
  pollMs?: { first: number; max: number };
  signal?: AbortSignal;
  now?: () => Date;
  /** Refuse to submit batches whose estimate at the batch price exceeds it (exit 3), as a synchronous run does. */
  maxCostUsd?: number;
  /** Calls per variant kept out of the batch to measure latency (default: latencyProbeCalls of its cases). */
  latencyProbe?: number;
}

/** What this run collected from finished batches: the answers are in the response cache now. */
export interface BatchCollection {
  /** Cache key → the batch discount of its provider. */
  collected: Map<string, number>;
  batches: number;
  requests: number;
  failed_lines: number;
  expired: number;
}

export interface PendingBatch {
  provider: string;
  model: string;
  batch_id: string;
  status: string;
  completed: number;
  total: number;
}

/** Batches submitted and not finished: the run stops with exit code 4 and a later run collects them. */
export class BatchPendingError extends TunegateError {
  constructor(readonly pending: PendingBatch[]) {
    const lines = pending.map(
      (b) => `  ${b.provider} ${b.model}: ${b.batch_id} ${b.status} (${b.completed}/${b.total})`,
    );
    super('batch-pending', `${pending.length} batch(es) pending:\n${lines.join('\n')}`, { exitCode: ExitCode.pending });
  }
}

const providerKey = (name: string, identity: string | null, model: string) => `${name}\u0000${identity}\u0000${model}`;

interface Needed {
  calls: Map<string, PlannedCall>;
  providers: Map<string, ProviderSpec>;
}

/**
 * Calls per variant kept out of the batch and made synchronously: a batch measures no latency, so without
 * them a latency threshold or objective could never be judged. A tenth of the variant's calls, at most 30.
 */
export function latencyProbeCalls(cases: number): number {
  return Math.min(MAX_LATENCY_PROBE_CALLS, Math.ceil(cases / 10));
}
export const MAX_LATENCY_PROBE_CALLS = 30;

/**
 * The calls the cache does not hold, one per key, and the provider of each (provider, endpoint, model) group;
 * each variant's first calls (see latencyProbeCalls) are left to the synchronous run.
 */
function neededCalls(suites: SuiteWithCases[], held: ReadonlySet<string>, probe: number | undefined): Needed {
  const calls = new Map<string, PlannedCall>();
  const providers = new Map<string, ProviderSpec>();
  const seen = new Map<string, number>();
  for (const call of iteratePlan(suites)) {
    const variantKey = `${call.suite.name}\u0000${call.variant.name}`;
    const position = seen.get(variantKey) ?? 0;
    seen.set(variantKey, position + 1);
    if (position < (probe ?? latencyProbeCalls(suites.find((s) => s.suite === call.suite)?.cases.length ?? 0)))
      continue;
    const provider = call.suite.providers[call.variant.provider];
    if (!provider || held.has(call.cacheKey)) continue;
    calls.set(call.cacheKey, call);
    providers.set(providerKey(provider.name, endpointOf(provider).base_url ?? null, call.variant.model), provider);
  }
  return { calls, providers };
}

/**
 * Makes sure every call the cache lacks is covered by a batch (submitting what is not), polls those batches, and
 * once all are finished collects their answers into the response cache and forgets their records. A call is
 * never submitted twice while its batch is known. Throws BatchPendingError when batches are still running in
 * `submit` mode. What a batch could not answer (failed or expired lines) is left to the synchronous run.
 */
export async function runBatches(suites: SuiteWithCases[], options: BatchRunOptions): Promise<BatchCollection> {
  const cache = openResponseCache(options.cacheDir);
  const records = new BatchRecords(options.cacheDir);
  const needed = neededCalls(suites, cache.keys(), options.latencyProbe);
  const clients = new Map<ProviderSpec, BatchClient>();
  const clientOf = (provider: ProviderSpec) => {
    let client = clients.get(provider);
    if (!client) {
      client = (options.batchClientFor ?? createBatchClient)(provider, options.env);
      clients.set(provider, client);
    }
    return client;
  };
  const providerOf = (r: BatchRecord) => needed.providers.get(providerKey(r.provider, r.endpoint_identity, r.model));
  let delay = options.pollMs?.first ?? 2_000;
  for (;;) {
    const relevant = (await records.list()).filter((r) => providerOf(r) && r.keys.some((key) => needed.calls.has(key)));
    relevant.push(...(await submitUncovered(needed, relevant, records, clientOf, options)));
    const polled = await Promise.all(
      relevant.map(async (record) => ({
        record,
        state: await clientOf(providerOf(record) as ProviderSpec).retrieve(record.batch_id),
      })),
    );
    const lost = polled.filter(({ state }) => state === null);
    for (const { record } of lost) {
      options.onProgress?.(
        `batch: ${record.batch_id} is unknown to provider "${record.provider}"; submitting its calls again`,
      );
      await records.remove(record.batch_id);
    }
    if (lost.length > 0) continue;
    const states = polled as { record: BatchRecord; state: BatchState }[];
    const running = states.filter(({ state }) => !FINISHED_STATUSES.includes(state.status));
    if (running.length === 0) return collect(states, needed, providerOf, clientOf, records, cache, options);
    const pending = running.map(({ record, state }) => ({
      provider: record.provider,
      model: record.model,
      batch_id: record.batch_id,
      status: state.status,
      completed: state.completed,
      total: state.total,
    }));
    if (options.mode === 'submit') throw new BatchPendingError(pending);
    const done = states.length - running.length;
    const progress = pending.map((b) => `${b.batch_id} ${b.status} ${b.completed}/${b.total}`).join(', ');
    options.onProgress?.(
      `batch: ${done} of ${states.length} finished; waiting for ${progress}; next check in ${delay < 1000 ? `${Math.round(delay)} ms` : `${Math.round(delay / 1000)} s`}`,
    );
    await sleep(delay, options.signal);
    if (options.signal?.aborted)
      throw new TunegateError('interrupted', 'stopped while waiting for batches; run again to collect them', {
        exitCode: ExitCode.pending,
      });
    delay = Math.min(options.pollMs?.max ?? 60_000, delay * 1.5);
  }
}

/** Submits, per provider and model, the needed calls no known batch covers; returns their records. */
async function submitUncovered(
  needed: Needed,
  known: readonly BatchRecord[],
  records: BatchRecords,
  clientOf: (provider: ProviderSpec) => BatchClient,
  options: BatchRunOptions,
): Promise<BatchRecord[]> {
  const covered = new Set(known.flatMap((record) => record.keys));
  const groups = new Map<string, PlannedCall[]>();
  for (const [key, call] of needed.calls) {
    if (covered.has(key)) continue;
    const provider = call.suite.providers[call.variant.provider] as ProviderSpec;
    const group = providerKey(provider.name, endpointOf(provider).base_url ?? null, call.variant.model);
    const calls = groups.get(group);
    if (calls) calls.push(call);
    else groups.set(group, [call]);
  }
  if (options.maxCostUsd !== undefined) await checkBatchBudget(groups, needed.providers, options.maxCostUsd);
  const submitted: BatchRecord[] = [];
  for (const [group, calls] of groups) {
    const provider = needed.providers.get(group) as ProviderSpec;
    for (let start = 0; start < calls.length; start += MAX_BATCH_REQUESTS) {
      const slice = calls.slice(start, start + MAX_BATCH_REQUESTS);
      const requests = slice.map((call) => ({
        custom_id: call.cacheKey,
        request: { model: call.variant.model, messages: call.messages, params: call.variant.params },
      }));
      const model = slice[0]?.variant.model ?? '';
      const { batch_id, input_file_id } = await clientOf(provider).submit(requests, { tool: 'tunegate' });
      const record: BatchRecord = {
        provider: provider.name,
        endpoint_identity: endpointOf(provider).base_url ?? null,
        endpoint: BATCH_ENDPOINT,
        model,
        batch_id,
        input_file_id,
        keys: requests.map((request) => request.custom_id),
        submitted_at: (options.now?.() ?? new Date()).toISOString(),
      };
      // Recorded at once: a run stopped right after never submits these calls again.
      await records.write(record);
      options.onProgress?.(
        `batch: submitted ${requests.length} request(s) to provider "${provider.name}" (${model}) as ${batch_id}`,
      );
      submitted.push(record);
    }
  }
  return submitted;
}

async function collect(
  finished: { record: BatchRecord; state: BatchState }[],
  needed: Needed,
  providerOf: (record: BatchRecord) => ProviderSpec | undefined,
  clientOf: (provider: ProviderSpec) => BatchClient,
  records: BatchRecords,
  cache: ReturnType<typeof openResponseCache>,
  options: BatchRunOptions,
): Promise<BatchCollection> {
  const collection: BatchCollection = { collected: new Map(), batches: 0, requests: 0, failed_lines: 0, expired: 0 };
  for (const { record, state } of finished) {
    const provider = providerOf(record) as ProviderSpec;
    const covers = new Set(record.keys);
    const lines = await clientOf(provider).results(state);
    for (const line of lines) {
      if (!covers.has(line.custom_id)) continue;
      if (!line.ok) {
        if (!line.expired) collection.failed_lines++;
        continue;
      }
      const answer = { text: line.text, usage: line.usage, latency_ms: null, ttft_ms: null, simulated: line.simulated };
      await cache.set(line.custom_id, answer);
      if (needed.calls.has(line.custom_id)) collection.collected.set(line.custom_id, batchDiscountOf(provider));
    }
    collection.batches++;
    collection.requests += record.keys.length;
    if (state.status === 'expired') collection.expired++;
    // Forgotten only once its answers are in the cache: what it could not answer is called synchronously.
    await records.remove(record.batch_id);
    const missing = record.keys.filter((key) => !collection.collected.has(key)).length;
    options.onProgress?.(
      `batch: collected ${record.keys.length - missing} of ${record.keys.length} answer(s) from ${record.batch_id} (${state.status})${missing > 0 ? `; ${missing} will be called synchronously` : ''}`,
    );
  }
  return collection;
}
