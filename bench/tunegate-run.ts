// One tunegate run through the programmatic API, pointed at the simulator; reports wall time, CPU and memory.
// Loaded by tunegate-child.ts once the compile cache is on.
import { evaluate } from '../src/api/evaluate.js';
import { validateSuites } from '../src/api/validate.js';
import { profileTo } from './profiler.js';
import { cpuMsSince, processFigures, readJob, report, type TunegateFigures, type TunegateJob } from './protocol.js';

const job = readJob<TunegateJob>();
const { suites, problems } = await validateSuites([job.suite], { cwd: process.cwd(), env: {}, requireApiKeys: false });
if (problems.length > 0) throw new Error(`bench suite is invalid: ${JSON.stringify(problems)}`);
for (const { suite } of suites) {
  for (const provider of Object.values(suite.providers)) {
    provider.base_url = job.url;
    // The simulator's port changes between bench runs; its answers do not, so cache entries stay valid.
    provider.cache_identity = 'tunegate-bench-simulator';
  }
}

const rssBeforeMb = process.memoryUsage().rss / 1048576;
const stopProfiling = await profileTo(job.profile);
const cpuStart = process.cpuUsage();
const start = performance.now();
const results = await evaluate(suites, { outDir: job.outDir, cacheDir: job.cacheDir, env: {}, version: 'bench' });
const evaluateMs = performance.now() - start;
const evaluateCpuMs = cpuMsSince(cpuStart);
await stopProfiling();

const accuracy: Record<string, number> = {};
for (const suite of results.suites) {
  for (const [name, variant] of Object.entries(suite.variants)) accuracy[name] = variant.metrics.accuracy;
}
const figures: TunegateFigures = {
  calls: results.summary.calls,
  errors: results.summary.errors,
  cached: results.summary.cached,
  evaluate_ms: evaluateMs,
  evaluate_cpu_ms: evaluateCpuMs,
  rss_before_evaluate_mb: rssBeforeMb,
  accuracy,
  process: processFigures(),
};
report(figures);
