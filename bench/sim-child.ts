// The simulator in a process of its own, so its CPU is never counted as the engine's. It serves exactly the
// cases of the job's suite, answers `stats` on stdin, and exits when stdin closes (so it cannot outlive the bench).
import { createInterface } from 'node:readline';
import { validateSuites } from '../src/api/validate.js';
import { startSimulator } from '../src/sim/index.js';
import { cpuMsSince, readJob, report, SIM_READY_PREFIX, type SimFigures, type SimJob } from './protocol.js';

const job = readJob<SimJob>();
const { suites, problems } = await validateSuites([job.suite], { cwd: process.cwd(), env: {}, requireApiKeys: false });
if (problems.length > 0) throw new Error(`bench suite is invalid: ${JSON.stringify(problems)}`);
const cases = suites.flatMap((s) => Array.from(s.cases, (c) => ({ input: c.input, expected: c.expected })));
const simulator = await startSimulator({ seed: 7, cases, models: job.models });
const started = process.cpuUsage();
process.stdout.write(`${SIM_READY_PREFIX}${simulator.url}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'stats') return;
  const byModel = Object.values(simulator.stats.by_model);
  const figures: SimFigures = {
    cpu_ms: cpuMsSince(started),
    completions: simulator.stats.completions,
    unknown_input: byModel.reduce((sum, m) => sum + m.unknown_input, 0),
  };
  report(figures);
});
lines.on('close', () => {
  void simulator.close().then(() => process.exit(0));
});
