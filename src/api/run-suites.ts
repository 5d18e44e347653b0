import type { RunResults } from '../report/types.js';
import { type EvaluateOptions, evaluate } from './evaluate.js';
import { type RunningSimulator, readSimConfigFile, simulateSuites } from './simulate.js';
import type { SuiteWithCases } from './validate.js';

export interface RunSuitesOptions extends EvaluateOptions {
  /** Run on the built-in simulator; `configPath` sets its behaviour. */
  simulate?: { configPath?: string };
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
    const behaviour = simulate.configPath ? await readSimConfigFile(simulate.configPath) : { models: {} };
    simulator = await simulateSuites(suites, behaviour);
    onSimulator?.(simulator.url);
  }
  try {
    return await evaluate(suites, evaluateOptions);
  } finally {
    await simulator?.close();
  }
}
