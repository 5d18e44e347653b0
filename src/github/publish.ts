import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import type { Problem } from '../errors.js';
import { points, usd } from '../format.js';
import { failureLine } from '../report/run-status.js';
import type { RunResults } from '../report/types.js';
import { Output } from './constants.js';

/**
 * One line per suite: the verdict and its headline numbers, for the `summary` output and logs; led
 * by why the run failed when it did, so a verdict is never read without it.
 */
export function headline(results: RunResults): string {
  const failure = failureLine(results);
  const verdicts = results.suites.map((suite) => {
    const comparison = suite.verdict.candidate ? suite.comparison[suite.verdict.candidate] : undefined;
    const diff = comparison ? `, accuracy ${points(comparison.accuracy_diff)}` : '';
    const savings = suite.economics.monthly_savings_usd;
    const money = savings === null ? '' : `, ${savings >= 0 ? 'saves' : 'costs'} ${usd(Math.abs(savings))} a month`;
    return `${suite.name}: ${suite.verdict.decision}${diff}${money}`;
  });
  return [...(failure === null ? [] : [failure]), ...verdicts].join('\n');
}

export function setResultOutputs(results: RunResults, resultsPath: string, passed: boolean): void {
  const verdicts = Object.fromEntries(results.suites.map((s) => [s.name, s.verdict.decision]));
  core.setOutput(Output.passed, String(passed));
  core.setOutput(Output.verdicts, JSON.stringify(verdicts));
  core.setOutput(Output.verdict, results.suites[0]?.verdict.decision ?? '');
  core.setOutput(Output.regressions, String(results.base?.regressions ?? 0));
  core.setOutput(Output.summary, headline(results));
  core.setOutput(Output.resultsPath, resultsPath);
}

/** Configuration problems as error annotations on the suite's line, paths relative to the workspace. */
export function annotateProblems(problems: Problem[], workingDirectory: string, workspace: string): void {
  for (const problem of problems) {
    const file = relative(workspace, resolve(workingDirectory, problem.file));
    core.error(problem.message, {
      title: `tunegate ${problem.code}`,
      file,
      startLine: problem.line,
      startColumn: problem.col,
    });
  }
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}
