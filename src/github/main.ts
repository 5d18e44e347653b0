import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { failedThresholds, failingVerdicts, runtimeFailure } from '../api/outcome.js';
import { readReferenceResults } from '../api/reference.js';
import { runSuites } from '../api/run-suites.js';
import { validateSuites } from '../api/validate.js';
import { formatProblem, TunegateError } from '../errors.js';
import { RESULTS_FILE, writeResultsJson } from '../report/files.js';
import { renderMarkdownReport } from '../report/markdown.js';
import type { RunResults } from '../report/types.js';
import { VERSION } from '../version.js';
import { compareAgainstBase, selectSuites } from './base.js';
import { promoteCommand, trainCommand } from './commands.js';
import { commentMarker, fitCommentBody, upsertStickyComment } from './comment.js';
import { Output } from './constants.js';
import { type RunContext, readRunContext } from './context.js';
import { type ActionInputs, getInputs, simulateOption } from './inputs.js';
import { annotateProblems, headline, setResultOutputs, writeJobSummary } from './publish.js';
import { triggerTraining } from './retrain.js';
import { restoreResponseCache, saveResponseCache, uploadResults } from './storage.js';

const TRUNCATION_POINTER = '_… truncated: the full report is in the job summary and the results artifact._';

/** Every API key the suites name is masked, so no log line can show one. */
function maskApiKeys(env: NodeJS.ProcessEnv, names: Iterable<string>): void {
  for (const name of names) {
    const value = env[name];
    if (value) core.setSecret(value);
  }
}

/** A fork PR has no secrets: say so plainly and skip, unless the workflow requires them. */
async function skipForMissingKeys(names: string[], inputs: ActionInputs, context: RunContext): Promise<boolean> {
  if (inputs.requireSecrets) return false;
  const why = context.pullRequest?.fromFork
    ? 'This pull request comes from a fork, and GitHub gives workflows on fork pull requests no secrets.'
    : 'The workflow does not pass them to this step (env: ... secrets.NAME).';
  const message = `tunegate skipped the evaluation: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set. ${why} Set require-secrets: true to fail instead.`;
  core.notice(message);
  await writeJobSummary(`## tunegate\n\n> [!NOTE]\n> ${message}\n`);
  core.setOutput(Output.passed, 'true');
  core.setOutput(Output.verdicts, '{}');
  return true;
}

async function postComment(markdown: string, inputs: ActionInputs, context: RunContext): Promise<void> {
  if (!context.pullRequest || !inputs.comment || !inputs.githubToken) return;
  const marker = commentMarker(context.workflow, inputs.commentKey);
  const body = fitCommentBody(markdown, marker, { pointer: TRUNCATION_POINTER });
  try {
    const octokit = github.getOctokit(inputs.githubToken);
    const target = { owner: context.owner, repo: context.repo, issue_number: context.pullRequest.number };
    const { action, url } = await upsertStickyComment(octokit, target, marker, body);
    core.info(`Pull-request comment ${action}: ${url}`);
    core.setOutput(Output.commentUrl, url);
  } catch (error) {
    // A missing permission must not hide the results: they are in the summary and the artifact.
    core.warning(error instanceof TunegateError ? error.message : `could not comment: ${(error as Error).message}`);
  }
}

/** Which gates named by fail-on failed, as sentences for setFailed. */
function failures(results: RunResults, inputs: ActionInputs): string[] {
  const reasons: string[] = [];
  const runtime = runtimeFailure(results);
  if (runtime) reasons.push(runtime);
  if (inputs.failOn.has('never')) return reasons;
  if (inputs.failOn.has('threshold')) {
    const missed = failedThresholds(results);
    if (missed.length > 0) reasons.push(`thresholds missed: ${missed.join(', ')}`);
  }
  if (inputs.failOn.has('regression') && (results.base?.regressions ?? 0) > 0) {
    reasons.push(`${results.base?.regressions} significant regression(s) against the base commit`);
  }
  if (inputs.failOn.has('verdict')) {
    const failing = failingVerdicts(results);
    if (failing.length > 0) reasons.push(`verdicts the suites fail on: ${failing.join(', ')}`);
  }
  return reasons;
}

async function evaluateAndReport(inputs: ActionInputs, context: RunContext, workspace: string): Promise<void> {
  const workdir = resolve(workspace, inputs.workingDirectory);
  if (context.eventName === 'pull_request_target') {
    core.warning(
      'tunegate runs under pull_request_target: the workflow has secrets and a write token. Evaluating code from the pull request here lets it read them; check out and run untrusted code only under pull_request.',
    );
  }
  const env = process.env;
  const validation = await validateSuites(inputs.suites, { cwd: workdir, env, requireApiKeys: !inputs.simulate });
  maskApiKeys(
    env,
    validation.suites.flatMap(({ suite }) => Object.values(suite.providers).flatMap((p) => p.api_key_env ?? [])),
  );
  for (const warning of validation.warnings) core.warning(formatProblem(warning));
  if (validation.problems.length > 0) {
    const keyProblems = validation.problems.filter((p) => p.code === 'api-key');
    const names = [
      ...new Set(keyProblems.map((p) => /set (\S+) in the environment/.exec(p.message)?.[1] ?? 'an API key')),
    ];
    if (keyProblems.length === validation.problems.length && (await skipForMissingKeys(names, inputs, context))) return;
    annotateProblems(validation.problems, workdir, workspace);
    await writeJobSummary(
      `## tunegate: configuration problems\n\nNo model was called.\n\n${validation.problems.map((p) => `- \`${formatProblem(p)}\``).join('\n')}\n`,
    );
    core.setFailed(`${validation.problems.length} configuration problem(s); see the annotations. No model was called.`);
    return;
  }

  const selection = await selectSuites(validation.suites, inputs, context, workdir);
  if (selection.suites.length === 0) {
    const message =
      'No suite is touched by the files this pull request changes; nothing to evaluate (set run-all: true to evaluate anyway).';
    core.notice(message);
    await writeJobSummary(`## tunegate\n\n${message}\n`);
    core.setOutput(Output.passed, 'true');
    core.setOutput(Output.verdicts, '{}');
    return;
  }

  const cacheDir = join(workdir, '.tunegate', 'cache');
  if (inputs.cache) await restoreResponseCache(cacheDir, context.runId);
  const outDir = resolve(workdir, inputs.out);
  const runOptions = {
    version: VERSION,
    env,
    cacheDir,
    maxCostUsd: inputs.maxCostUsd,
    concurrency: inputs.concurrency,
    reference: inputs.reference ? await readReferenceResults(resolve(workdir, inputs.reference)) : undefined,
    simulate: simulateOption(inputs, workdir),
    onProgress: undefined,
  };
  // Published with its cases.jsonl by the run; a base section is added to the same run's file.
  const results = await runSuites(selection.suites, { ...runOptions, outDir });
  let resultsPath = join(outDir, RESULTS_FILE);
  if (selection.base) {
    results.base = await compareAgainstBase(selection.base, results, { ...runOptions, outDir });
    resultsPath = await writeResultsJson(outDir, results);
  }
  const training = await triggerTraining(selection.suites, results, { outDir, ledgerDir: join(cacheDir, 'jobs'), env });
  const markdown = [renderMarkdownReport(results), ...training].join('\n');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'summary.md'), markdown);
  await writeJobSummary(markdown);
  await postComment(markdown, inputs, context);
  if (inputs.artifact) await uploadResults(inputs.artifact, outDir);
  if (inputs.cache) await saveResponseCache(cacheDir, context.runId);

  const failed = failures(results, inputs);
  setResultOutputs(results, resultsPath, failed.length === 0);
  core.info(headline(results));
  if (failed.length > 0) core.setFailed(`tunegate: ${failed.join('; ')}`);
}

/** The Action: inputs → evaluate (head, and base on pull requests) → summary, comment, outputs, gate. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const context = readRunContext();
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const workdir = resolve(workspace, inputs.workingDirectory);
    if (inputs.command === 'promote') await promoteCommand(inputs, context, workdir);
    else if (inputs.command === 'train') await trainCommand(inputs, workdir);
    else await evaluateAndReport(inputs, context, workspace);
  } catch (error) {
    if (error instanceof TunegateError) {
      for (const problem of error.problems)
        core.error(problem.message, { file: problem.file, startLine: problem.line, startColumn: problem.col });
      core.setFailed(error.message);
    } else {
      core.setFailed(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
