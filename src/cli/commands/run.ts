import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { evaluate } from '../../api/evaluate.js';
import { readReferenceResults } from '../../api/reference.js';
import { type RunningSimulator, readSimConfigFile, simulateSuites } from '../../api/simulate.js';
import { validateSuites } from '../../api/validate.js';
import { ExitCode, formatProblem } from '../../errors.js';
import { renderConsoleReport } from '../../report/console.js';
import { writeResultsJson } from '../../report/files.js';
import { renderMarkdownReport } from '../../report/markdown.js';
import type { RunResults } from '../../report/types.js';
import type { RunCliOptions } from '../args.js';
import { type CliIo, VERSION } from '../io.js';
import { createProgressRenderer } from '../progress.js';

/** Exit code of a finished run: runtime failure beats a failed gate beats success. */
export function exitCodeOf(results: RunResults): number {
  if (results.summary.budget_exhausted) return ExitCode.runtime;
  const unreachable = results.suites.some((suite) =>
    Object.values(suite.variants).some((v) => v.metrics.n > 0 && v.metrics.errors === v.metrics.n),
  );
  if (unreachable) return ExitCode.runtime;
  return results.summary.passed ? ExitCode.ok : ExitCode.gateFailed;
}

function unreachableVariants(results: RunResults): string[] {
  return results.suites.flatMap((suite) =>
    Object.entries(suite.variants)
      .filter(([, v]) => v.metrics.n > 0 && v.metrics.errors === v.metrics.n)
      .map(([name]) => `${suite.name}/${name}`),
  );
}

export async function runCommand(options: RunCliOptions, io: CliIo): Promise<number> {
  const validation = await validateSuites(options.suites, {
    cwd: io.cwd,
    env: io.env,
    requireApiKeys: !options.simulate,
  });
  for (const warning of validation.warnings) io.stderr.write(`warning: ${formatProblem(warning)}\n`);
  if (validation.problems.length > 0) {
    for (const problem of validation.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    io.stderr.write(`${validation.problems.length} problem(s) found; nothing was run and no model was called.\n`);
    return ExitCode.usage;
  }

  const reference = options.reference ? await readReferenceResults(resolve(io.cwd, options.reference)) : undefined;
  let simulator: RunningSimulator | undefined;
  if (options.simulate) {
    const behaviour = options.simConfig ? await readSimConfigFile(resolve(io.cwd, options.simConfig)) : { models: {} };
    simulator = await simulateSuites(validation.suites, behaviour);
    io.stderr.write(`simulator: serving ${validation.suites.length} suite(s) at ${simulator.url}\n`);
  }

  const progress = createProgressRenderer(io.stderr);
  const outDir = resolve(io.cwd, options.out);
  let results: RunResults;
  try {
    results = await evaluate(validation.suites, {
      outDir,
      version: VERSION,
      env: io.env,
      cacheDir: options.cacheDir === undefined ? undefined : resolve(io.cwd, options.cacheDir),
      maxCostUsd: options.maxCostUsd,
      concurrency: options.concurrency,
      onProgress: options.quiet ? undefined : progress.update,
      reference,
    });
  } finally {
    progress.finish();
    await simulator?.close();
  }

  const resultsPath = await writeResultsJson(outDir, results);
  if (options.markdown) await writeFile(resolve(io.cwd, options.markdown), renderMarkdownReport(results));
  io.stdout.write(`${renderConsoleReport(results)}\n`);
  io.stdout.write(`results: ${resultsPath}\n`);
  for (const name of unreachableVariants(results)) {
    io.stderr.write(`error: every call of ${name} failed; see cases.jsonl for the errors and check the provider\n`);
  }
  return exitCodeOf(results);
}
