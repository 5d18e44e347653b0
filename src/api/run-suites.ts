import type { RunResults } from '../report/types.js';
import { type EvaluateOptions, evaluate } from './evaluate.js';
import { prepareRewordings } from './fragility-instructions.js';
import { type ShardSpec, selectShard, shardStamp } from './shard.js';
import { type RunningSimulator, startSuitesSimulator } from './simulate.js';
import type { SuiteWithCases } from './validate.js';

export interface RunSuitesOptions extends Omit<EvaluateOptions, 'shard'> {
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
  /** Told when the teacher wrote a suite's instruction rewordings (fragility), so the user reviews them. */
  onRewordingsWritten?: (file: string, count: number) => void;
}

/**
 * Evaluates validated suites, on the simulator when asked (started on a free loopback port and
 * always stopped). The one path the CLI and the Action share.
 */
export async function runSuites(suites: SuiteWithCases[], options: RunSuitesOptions): Promise<RunResults> {
  const { simulate, onSimulator, onRewordingsWritten, shard, ...rest } = options;
  const evaluateOptions: EvaluateOptions = shard
    ? {
        ...rest,
        fragility: false,
        shard: shardStamp(suites, shard.spec, shard.cwd),
        // A shard holds part of the cases: looks over it would decide on a part; merge decides on the whole.
        sequential: { ...rest.sequential, all: false, off: 'a shard evaluates only part of the cases' },
      }
    : rest;
  const evaluated = shard ? selectShard(suites, shard.spec) : suites;
  let simulator: RunningSimulator | undefined;
  if (simulate) {
    simulator = await startSuitesSimulator(suites, simulate, evaluateOptions.cacheDir);
    onSimulator?.(simulator.url);
  }
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
    return await evaluate(evaluated, {
      ...evaluateOptions,
      ...(instructionRewordings ? { instructionRewordings } : {}),
    });
  } finally {
    await simulator?.close();
  }
}
