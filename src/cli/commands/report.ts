import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode, formatProblem, type Problem, TunegateError } from '../../errors.js';
import { HISTORY_VERSION, type HistoryIds, type HistoryRun } from '../../history/types.js';
import { renderDashboard } from '../../report/dashboard.js';
import { stripControl } from '../../report/escape.js';
import { renderTrendMarkdown } from '../../report/trend-chart.js';
import type { ReportCliOptions } from '../args.js';
import type { CliIo } from '../io.js';

/**
 * The `run` lines of a history file. A line that is not JSON or not a run is reported with its number;
 * a line of a newer format is reported and skipped; `ids` lines are not needed to draw a trend.
 */
function readRunLines(text: string, file: string): { runs: HistoryRun[]; problems: Problem[] } {
  const runs: HistoryRun[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const problem = (message: string, code: string) => problems.push({ file, line: index + 1, col: 1, message, code });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problem('is not valid JSON; skipped (the rest of the history is drawn)', 'history-corrupt');
      return;
    }
    const record = value as Partial<HistoryRun> | Partial<HistoryIds> | null;
    if (typeof record?.version === 'number' && record.version > HISTORY_VERSION) {
      problem(
        `was written by a newer tunegate (format ${record.version}); skipped: upgrade tunegate to draw it`,
        'history-version',
      );
      return;
    }
    if (record?.kind === 'ids') return;
    const isRun =
      record?.kind === 'run' &&
      typeof record.suite === 'string' &&
      typeof record.date === 'string' &&
      typeof record.variants === 'object' &&
      record.variants !== null;
    if (!isRun) {
      problem('is not a history record (kind "run" with suite, date and variants); skipped', 'history-corrupt');
      return;
    }
    runs.push(record as HistoryRun);
  });
  return { runs, problems };
}

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
  const { runs, problems } = readRunLines(text, options.history);
  for (const problem of problems) io.stderr.write(`warning: ${stripControl(formatProblem(problem))}\n`);
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
