import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode, formatProblem, TunegateError } from '../../errors.js';
import { parseHistory } from '../../history/text.js';
import { renderDashboard } from '../../report/dashboard.js';
import { stripControl } from '../../report/escape.js';
import { renderTrendMarkdown } from '../../report/trend-chart.js';
import type { ReportCliOptions } from '../args.js';
import type { CliIo } from '../io.js';

/** `tunegate report --history FILE --html OUT.html [--markdown OUT.md]`: draws the history; calls no model. */
export async function reportCommand(options: ReportCliOptions, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, options.history);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
    throw new TunegateError('history-missing', `cannot read the history ${options.history}: ${reason}`, {
      exitCode: ExitCode.usage,
    });
  }
  const { runs, problems } = parseHistory(text, options.history);
  // A trend needs no case lists: a missing one only matters to drift.
  for (const problem of problems.filter((p) => p.code !== 'history-ids'))
    io.stderr.write(`warning: ${stripControl(formatProblem(problem))}\n`);
  const suites = new Set(runs.map((run) => run.suite)).size;
  const outputs: [string | undefined, () => string][] = [
    [options.html, () => renderDashboard(runs)],
    [options.markdown, () => renderTrendMarkdown(runs)],
  ];
  for (const [target, render] of outputs) {
    if (!target) continue;
    const out = resolve(io.cwd, target);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, render());
    io.stdout.write(`wrote ${stripControl(target)}: ${runs.length} runs of ${suites} suites\n`);
  }
  return ExitCode.ok;
}
