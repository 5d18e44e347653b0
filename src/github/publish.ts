import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import type { Problem } from '../errors.js';
import { points, usd } from '../format.js';
import { codeSpan } from '../report/escape.js';
import { type MarkdownBlock, textBlock } from '../report/markdown-blocks.js';
import { failureLine } from '../report/run-status.js';
import type { RunResults } from '../report/types.js';
import { fitJobSummary } from './comment-fit.js';
import { Output } from './constants.js';
import { log } from './log.js';

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

/** Configuration problems (or warnings) as annotations on the suite's line, paths relative to the workspace. */
export function annotateProblems(
  problems: Problem[],
  workingDirectory: string,
  workspace: string,
  level: 'error' | 'warning' = 'error',
): void {
  for (const problem of problems) {
    const file = relative(workspace, resolve(workingDirectory, problem.file));
    log[level](problem.message, {
      title: `tunegate ${problem.code}`,
      file,
      startLine: problem.line,
      startColumn: problem.col,
    });
  }
}

/** Where the untrimmed report is: summary.md in the uploaded artifact, or in the results directory. */
function fullReportPlace(artifact: string | undefined): string {
  return artifact ? `summary.md in the ${codeSpan(artifact)} artifact` : 'summary.md in the results directory';
}

/** The line that ends a job summary trimmed to GitHub's limit. */
export function summaryPointer(artifact: string | undefined): string {
  return `_… trimmed to stay within GitHub’s 1 MiB job summary: the full report is ${fullReportPlace(artifact)}._`;
}

/** The line that ends a trimmed comment: it sends the reader to the job summary only when that is complete. */
export function commentPointer(artifact: string | undefined, summaryTrimmed: boolean): string {
  const place = fullReportPlace(artifact);
  return summaryTrimmed
    ? `_… truncated: the full report is ${place} (the job summary was trimmed too)._`
    : `_… truncated: the full report is in the job summary and ${place}._`;
}

/** Said at the end of a job summary that had to be trimmed, when no better pointer is given. */
const SUMMARY_POINTER = '_… trimmed to stay within GitHub’s 1 MiB job summary._';

/**
 * Appends Markdown to the job summary (GITHUB_STEP_SUMMARY), trimmed by structure to stay within GitHub's
 * 1 MiB per step (GitHub shows nothing of a larger one). Returns whether it had to be trimmed.
 */
export async function writeJobSummary(
  markdown: string | readonly MarkdownBlock[],
  pointer = SUMMARY_POINTER,
): Promise<boolean> {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return false;
  const blocks = typeof markdown === 'string' ? [textBlock(markdown.replace(/\n$/, '').split('\n'))] : markdown;
  // What the step already wrote counts too, and addRaw's line ending is one more byte.
  const used =
    (await stat(path).then(
      (file) => file.size,
      () => 0,
    )) + 1;
  const { text, trimmed } = fitJobSummary(blocks, { pointer, used });
  await core.summary.addRaw(text, true).write();
  return trimmed;
}
