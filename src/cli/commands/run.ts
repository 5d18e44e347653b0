import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BatchPendingError } from '../../api/batch-run.js';
import { gate, RUN_POLICY, SHARD_POLICY } from '../../api/gate.js';
import { headCommit } from '../../api/git.js';
import type { HistoryOptions } from '../../api/history.js';
import { writeJunitFile } from '../../api/junit.js';
import { readReferenceResults } from '../../api/reference.js';
import { runSuites } from '../../api/run-suites.js';
import { validateSuites } from '../../api/validate.js';
import { ExitCode, formatProblem, type Problem } from '../../errors.js';
import { readHistoryFile } from '../../history/store.js';
import { renderConsoleReport } from '../../report/console.js';
import { historyProblemLines } from '../../report/drift-report.js';
import { stripControl } from '../../report/escape.js';
import { RESULTS_FILE } from '../../report/files.js';
import { renderMarkdownReport } from '../../report/markdown.js';
import type { RunResults } from '../../report/types.js';
import type { RunCliOptions } from '../args.js';
import { stopOnInterrupt } from '../interrupts.js';
import { type CliIo, VERSION } from '../io.js';
import { createProgressRenderer } from '../progress.js';

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
  const history: HistoryOptions | undefined = options.history && {
    path: resolve(io.cwd, options.history.path),
    accept: options.history.accept,
    keep: options.history.keep,
    event: 'cli',
    commit: await headCommit(io.cwd, io.env),
  };
  const progress = createProgressRenderer(io.stderr);
  const outDir = resolve(io.cwd, options.out);
  const stopping = stopOnInterrupt(io);
  let results: RunResults;
  try {
    results = await runSuites(validation.suites, {
      outDir,
      version: VERSION,
      env: io.env,
      cacheDir: resolve(io.cwd, options.cacheDir),
      cacheMode: options.cacheMode,
      maxCostUsd: options.maxCostUsd,
      concurrency: options.concurrency,
      onProgress: options.quiet ? undefined : progress.update,
      reference,
      fragility: options.fragility,
      sequential: {
        all: options.sequential,
        onWarning: (message: string) => io.stderr.write(`warning: ${stripControl(message)}\n`),
      },
      ...(options.shard ? { shard: { spec: options.shard, cwd: io.cwd } } : {}),
      ...(options.batch ? { batch: { mode: options.batch, onProgress: (line) => io.stderr.write(`${line}\n`) } } : {}),
      ...(history ? { history } : {}),
      lifecycle: {
        now: io.now?.() ?? new Date(),
        onWarning: (warning: Problem) => io.stderr.write(`warning: ${stripControl(formatProblem(warning))}\n`),
      },
      simulate: options.simulate ? { configPath: options.simConfig && resolve(io.cwd, options.simConfig) } : undefined,
      onSimulator: (url) => io.stderr.write(`simulator: serving ${validation.suites.length} suite(s) at ${url}\n`),
      onRewordingsWritten: (file, count) =>
        io.stderr.write(
          `fragility: the teacher wrote ${count} rewordings of the system prompt to ${file}; review them\n`,
        ),
      ...stopping.options,
    });
  } catch (error) {
    if (!(error instanceof BatchPendingError)) throw error;
    io.stderr.write(`${pendingMessage(error, options.suites)}\n`);
    return ExitCode.pending;
  } finally {
    stopping.release();
    progress.finish();
  }

  // evaluate() published results.json together with cases.jsonl.
  const resultsPath = join(outDir, RESULTS_FILE);
  for (const line of historyProblemLines(results.history)) io.stderr.write(`warning: ${line}\n`);
  if (options.markdown) {
    // With a history, each suite's trend (this run included) goes into the Markdown report.
    const trend = history ? { history: (await readHistoryFile(history.path)).runs } : {};
    await writeFile(resolve(io.cwd, options.markdown), renderMarkdownReport(results, trend));
  }
  if (options.junit) await writeJunitFile(resolve(io.cwd, options.junit), results, outDir);
  io.stdout.write(`${renderConsoleReport(results)}\n`);
  io.stdout.write(`results: ${resultsPath}${results.summary.incomplete ? ' (incomplete)' : ''}\n`);
  const outcome = gate(results, options.shard ? SHARD_POLICY : RUN_POLICY);
  if (outcome.runtime) io.stderr.write(`error: ${outcome.runtime}; see cases.jsonl for the errors\n`);
  return outcome.exitCode;
}

/** What is pending and the command that collects it (the same run again, or with `--batch wait`). */
function pendingMessage(error: BatchPendingError, suites: readonly string[]): string {
  const again = `tunegate run ${suites.join(' ')} --batch`;
  return (
    `pending: ${stripControl(error.message)}\n` +
    `Nothing was reported yet. Collect with the same options: \`${again}\` (exits 4 again while batches run), ` +
    `or wait for them: \`${again} wait\`.`
  );
}
