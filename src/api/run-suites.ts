import type { RunResults } from '../report/types.js';
import { checkBatchable } from './batch-check.js';
import { type BatchRunOptions, runBatches } from './batch-run.js';
import { type EvaluateOptions, evaluate } from './evaluate.js';
import { prepareRewordings } from './fragility-instructions.js';
import {
  type LocalModelLoader,
  loadSuitesLocalModels,
  pointLocalProviders,
  serveLocalModels,
  usesLocalProvider,
} from './local-server.js';
import { type ShardSpec, selectShard, shardStamp } from './shard.js';
import { type RunningSimulator, startSuitesSimulator } from './simulate.js';
import type { SuiteWithCases } from './validate.js';

export interface RunSuitesOptions extends Omit<EvaluateOptions, 'shard' | 'batch'> {
  /**
   * Make the calls the cache lacks through the providers' Batch APIs first (see batch-run.ts); throws
   * BatchPendingError (exit 4) when they are not finished and `mode` is `submit`.
   */
  batch?: Omit<BatchRunOptions, 'cacheDir' | 'env'>;
  /**
   * Evaluate only this shard's cases (see shard.ts), run from `cwd` (the stamp names the suite files
   * relative to it). Fragility is not measured in a sharded run.
   */
  shard?: { spec: ShardSpec; cwd: string };
  /**
   * Run on the built-in simulator; `configPath` sets its behaviour (else the suites' models answer
   * correctly, but for the `unserved` ones, which answer 404 unless a training job made them).
   */
  simulate?: { configPath?: string; unserved?: string[] };
  /** Told where the simulator listens, for logs. */
  onSimulator?: (url: string) => void;
  /** Reads `local:` model files (default: the trainer's loader); tests pass their own classifier. */
  loadLocalModel?: LocalModelLoader;
  /** Told when the teacher wrote a suite's instruction rewordings (fragility), so the user reviews them. */
  onRewordingsWritten?: (file: string, count: number) => void;
}

/**
 * Evaluates validated suites, on the simulator when asked (started on a free loopback port and
 * always stopped), local providers' models on the same built-in server. The one path the CLI and the
 * Action share.
 */
export async function runSuites(suites: SuiteWithCases[], options: RunSuitesOptions): Promise<RunResults> {
  const { simulate, onSimulator, onRewordingsWritten, shard, batch, loadLocalModel, ...rest } = options;
  // Looks over a shard would decide on part of the cases (merge decides on the whole); with batches every
  // planned call is submitted at once, so stopping early would save nothing.
  const looksOff = shard
    ? 'a shard evaluates only part of the cases'
    : batch
      ? 'with --batch every planned call is submitted at once (at the batch price), so looks would save nothing'
      : undefined;
  const evaluateOptions: EvaluateOptions = {
    ...rest,
    ...(shard ? { fragility: false, shard: shardStamp(suites, shard.spec, shard.cwd) } : {}),
    ...(looksOff ? { sequential: { ...rest.sequential, all: false, off: looksOff } } : {}),
  };
  const evaluated = shard ? selectShard(suites, shard.spec) : suites;
  if (batch) checkBatchable(evaluated, evaluateOptions);
  // Local providers' models are served for real by the built-in server, the simulator's when simulating.
  const loaded = await loadSuitesLocalModels(suites, loadLocalModel);
  const local = usesLocalProvider(suites) ? loaded : undefined;
  let simulator: RunningSimulator | undefined;
  if (simulate) {
    simulator = await startSuitesSimulator(suites, simulate, evaluateOptions.cacheDir, local);
    onSimulator?.(simulator.url);
  } else if (local) simulator = await serveLocalModels(local);
  if (simulator && local) pointLocalProviders(suites, simulator.url);
  try {
    const instructionRewordings =
      evaluateOptions.fragility === false
        ? undefined
        : await prepareRewordings(
            suites.map(({ suite }) => suite),
            {
              env: evaluateOptions.env,
              ...(evaluateOptions.clientFor ? { clientFor: evaluateOptions.clientFor } : {}),
              ...(onRewordingsWritten ? { onWritten: onRewordingsWritten } : {}),
            },
          );
    const collected = batch
      ? await runBatches(evaluated, {
          ...batch,
          cacheDir: evaluateOptions.cacheDir as string,
          env: evaluateOptions.env,
          ...(evaluateOptions.maxCostUsd === undefined ? {} : { maxCostUsd: evaluateOptions.maxCostUsd }),
          ...(evaluateOptions.stopSignal ? { signal: evaluateOptions.stopSignal } : {}),
        })
      : undefined;
    return await evaluate(evaluated, {
      ...evaluateOptions,
      ...(collected ? { batch: collected } : {}),
      ...(instructionRewordings ? { instructionRewordings } : {}),
    });
  } finally {
    await simulator?.close();
  }
}
