import { resolve } from 'node:path';
import { readSimConfigFile } from '../../api/simulate.js';
import { ExitCode, TunegateError } from '../../errors.js';
import { loadSimCases, startSimulator } from '../../sim/index.js';
import type { SimCliOptions } from '../args.js';
import type { CliIo } from '../io.js';

/** Serves the simulator until interrupted (Ctrl-C / SIGTERM). */
export async function simCommand(options: SimCliOptions, io: CliIo): Promise<number> {
  if (!options.dataset) {
    throw new TunegateError('usage', 'tunegate sim needs --dataset FILE (JSONL of {"input","expected"} lines)');
  }
  const cases = await loadSimCases(resolve(io.cwd, options.dataset));
  // Without a config any model answers every case correctly: no suite says which models exist.
  const behaviour = options.config
    ? await readSimConfigFile(resolve(io.cwd, options.config))
    : { models: {}, default_model: { accuracy: 1 } };
  const simulator = await startSimulator({ ...behaviour, cases }, { port: options.port });
  io.stdout.write(`tunegate simulator (not a real model) serving ${cases.length} cases at ${simulator.url}\n`);
  const interrupts = io.trapInterrupts?.();
  try {
    // Without a way to be interrupted (a caller that passes none), it serves until the process ends.
    await new Promise<void>((done) => interrupts?.stop.addEventListener('abort', () => done(), { once: true }));
  } finally {
    interrupts?.release();
  }
  await simulator.close();
  return ExitCode.ok;
}
