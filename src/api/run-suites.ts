import type { RunResults } from '../report/types.js';
import { type EvaluateOptions, evaluate } from './evaluate.js';
import { type RunningSimulator, startSuitesSimulator } from './simulate.js';
import type { SuiteWithCases } from './validate.js';

export interface RunSuitesOptions extends EvaluateOptions {
  /**
   * Run on the built-in simulator; `configPath` sets its behaviour (else the suites' models answer
   * correctly, but for the `unserved` ones, which answer 404 unless a training job made them).
   */
  simulate?: { configPath?: string; unserved?: string[] };
  /** Told where the simulator listens, for logs. */
  onSimulator?: (url: string) => void;
}

/**
 * Evaluates validated suites, on the simulator when asked (started on a free loopback port and
 * always stopped). The one path the CLI and the Action share.
 */
export async function runSuites(suites: SuiteWithCases[], options: RunSuitesOptions): Promise<RunResults> {
  const { simulate, onSimulator, ...evaluateOptions } = options;
  let simulator: RunningSimulator | undefined;
  if (simulate) {
    simulator = await startSuitesSimulator(suites, simulate, evaluateOptions.cacheDir);
    onSimulator?.(simulator.url);
  }
  try {
    return await evaluate(suites, evaluateOptions);
  } finally {
    await simulator?.close();
  }
}
