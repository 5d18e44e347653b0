import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { BatchPendingError } from '../api/batch-run.js';
import { SHARD_POLICY } from '../api/gate.js';
import { readReferenceResults } from '../api/reference.js';
import { runSuites } from '../api/run-suites.js';
import { validateSuites } from '../api/validate.js';
import { formatProblem, TunegateError } from '../errors.js';
import { parseHistory } from '../history/text.js';
import { CASES_FILE } from '../report/cases-file.js';
import { renderDashboard } from '../report/dashboard.js';
import { historyConsoleLines, historyProblemLines } from '../report/drift-report.js';
import { escapeMarkdownInline } from '../report/escape.js';
import { RESULTS_FILE, writeResultsJson } from '../report/files.js';
import { renderMarkdownBlocks } from '../report/markdown.js';
import { textBlock } from '../report/markdown-blocks.js';
import { jobLedgerDir } from '../training/ledger.js';
import { VERSION } from '../version.js';
import { compareAgainstBase, selectSuites } from './base.js';
import { reportPending } from './batch-pending.js';
import { promoteCommand, trainCommand } from './commands.js';
import { Output } from './constants.js';
import { keepsHistory, outsidePathPolicy, type RunContext, readRunContext } from './context.js';
import { reportDrift } from './drift-run.js';
import { type ActionHistory, openActionHistory } from './history-sync.js';
import { type ActionInputs, cacheModeFor, getInputs, simulateOption } from './inputs.js';
import { log, progressLogger } from './log.js';
import { mergeAndReport, shardArtifactName, shardNote } from './merge-run.js';
import { annotateProblems, writeJobSummary } from './publish.js';
import { gateStep, publishReport } from './report-run.js';
import { triggerTraining } from './retrain.js';
import { maskSecrets } from './secrets.js';
import { restoreResponseCache, saveResponseCache } from './storage.js';

/** A fork PR has no secrets: say so plainly and skip, unless the workflow requires them. */
async function skipForMissingKeys(names: string[], inputs: ActionInputs, context: RunContext): Promise<boolean> {
  if (inputs.requireSecrets) return false;
  const why = context.pullRequest?.fromFork
    ? 'This pull request comes from a fork, and GitHub gives workflows on fork pull requests no secrets.'
    : 'The workflow does not pass them to this step (env: ... secrets.NAME).';
  const message = `tunegate skipped the evaluation: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set. ${why} Set require-secrets: true to fail instead.`;
  log.notice(message);
  await writeJobSummary(`## tunegate\n\n> [!NOTE]\n> ${message}\n`);
  core.setOutput(Output.passed, 'true');
  core.setOutput(Output.verdicts, '{}');
  return true;
}

/**
 * The run history for this run, when the workflow keeps one: not on pull requests (they measure the pull
 * request, not the models over time), and only with a token to read and write it.
 */
async function openHistory(inputs: ActionInputs, context: RunContext): Promise<ActionHistory | undefined> {
  if (inputs.history.kind === 'none') return undefined;
  if (!keepsHistory(context.eventName)) {
    log.info(
      `History: not kept on ${context.eventName} runs (they measure the pull request, not the models over time).`,
    );
    return undefined;
  }
  if (!inputs.githubToken || !context.owner) {
    log.warning('History not kept: it needs the github-token input and a repository (GITHUB_REPOSITORY).');
    return undefined;
  }
  return openActionHistory(inputs.history, {
    client: github.getOctokit(inputs.githubToken),
    token: inputs.githubToken,
    owner: context.owner,
    repo: context.repo,
    serverUrl: context.serverUrl,
    tempRoot: process.env.RUNNER_TEMP || tmpdir(),
    keep: inputs.historyKeep,
  });
}

async function evaluateAndReport(inputs: ActionInputs, context: RunContext, workspace: string): Promise<void> {
  const workdir = resolve(workspace, inputs.workingDirectory);
  if (context.eventName === 'pull_request_target') {
    log.warning(
      'tunegate runs under pull_request_target: the workflow has secrets and a write token. Evaluating code from the pull request here lets it read them; check out and run untrusted code only under pull_request.',
    );
  }
  const env = process.env;
  const validation = await validateSuites(inputs.suites, {
    cwd: workdir,
    env,
    requireApiKeys: !inputs.simulate,
    outsidePaths: outsidePathPolicy(context.eventName),
  });
  maskSecrets(
    env,
    validation.suites.map(({ suite }) => suite),
  );
  for (const warning of validation.warnings) log.warning(formatProblem(warning));
  if (validation.problems.length > 0) {
    const keyProblems = validation.problems.filter((p) => p.code === 'api-key');
    const names = [
      ...new Set(keyProblems.map((p) => /set (\S+) in the environment/.exec(p.message)?.[1] ?? 'an API key')),
    ];
    if (keyProblems.length === validation.problems.length && (await skipForMissingKeys(names, inputs, context))) return;
    annotateProblems(validation.problems, workdir, workspace);
    await writeJobSummary([
      textBlock([
        '## tunegate: configuration problems',
        '',
        'No model was called.',
        '',
        ...validation.problems.map((p) => `- ${escapeMarkdownInline(formatProblem(p), 2_000)}`),
      ]),
    ]);
    log.failed(`${validation.problems.length} configuration problem(s); see the annotations. No model was called.`);
    return;
  }

  const selection = await selectSuites(validation.suites, inputs, context, workdir);
  const { shard } = inputs;
  if (shard && selection.base) {
    log.notice(
      `Shard ${shard.index}/${shard.count}: no comparison with the base commit (a shard holds part of the cases; run an unsharded job for it).`,
    );
  }
  if (selection.suites.length === 0) {
    const message =
      'No suite is touched by the files this pull request changes; nothing to evaluate (set run-all: true to evaluate anyway).';
    log.notice(message);
    await writeJobSummary(`## tunegate\n\n${message}\n`);
    core.setOutput(Output.passed, 'true');
    core.setOutput(Output.verdicts, '{}');
    return;
  }

  const cacheDir = join(workdir, '.tunegate', 'cache');
  // Batches are collected through the cache: `auto` reads it on every event then (a refresh would read nothing).
  const cacheMode =
    inputs.batch && inputs.cacheMode === 'auto' ? 'use' : cacheModeFor(inputs.cacheMode, context.eventName);
  log.info(
    `Response cache: ${cacheMode}${inputs.cacheMode === 'auto' ? ` (auto, on a ${context.eventName} event)` : ''}.`,
  );
  // A refresh restores too: the saved cache must keep the entries this run does not touch.
  const carryCache = inputs.cache && cacheMode !== 'off';
  if (carryCache) await restoreResponseCache(cacheDir, context.runId);
  const outDir = resolve(workdir, inputs.out);
  const runOptions = {
    version: VERSION,
    env,
    cacheDir,
    cacheMode,
    maxCostUsd: inputs.maxCostUsd,
    concurrency: inputs.concurrency,
    reference: inputs.reference ? await readReferenceResults(resolve(workdir, inputs.reference)) : undefined,
    simulate: simulateOption(inputs, workdir),
    onProgress: progressLogger(),
  };
  // A shard is part of a run: remembered as a whole run it would be measured as drift.
  const history = shard ? undefined : await openHistory(inputs, context);
  // Published with its cases.jsonl by the run; a base section is added to the same run's file.
  const results = await runSuites(selection.suites, {
    ...runOptions,
    ...(inputs.batch ? { batch: { mode: inputs.batch, onProgress: (line: string) => log.info(line) } } : {}),
    outDir,
    fragility: inputs.fragility,
    ...(shard ? { shard: { spec: shard, cwd: workdir } } : {}),
    onRewordingsWritten: (file, count) =>
      log.warning(
        `Fragility: the teacher wrote ${count} rewordings of the system prompt to ${file}; commit the file (after review) so later runs reuse them.`,
      ),
    lifecycle: { now: new Date(), onWarning: (warning) => annotateProblems([warning], workdir, workspace, 'warning') },
    ...(history
      ? {
          history: {
            path: history.path,
            accept: inputs.accept,
            keep: inputs.historyKeep,
            event: context.eventName,
            commit: context.sha || null,
            runUrl: context.runUrl,
          },
        }
      : {}),
  }).catch((error: unknown) => (error instanceof BatchPendingError ? error : Promise.reject(error)));
  if (results instanceof BatchPendingError) {
    await reportPending(results);
    // The batch records live in the cache folder: the run that collects must find them.
    if (carryCache) await saveResponseCache(cacheDir, context.runId);
    return;
  }
  // The local copy's path means nothing to the reader of the log: name where the history is kept.
  const historyShown = results.history && history ? { ...results.history, file: history.place } : undefined;
  for (const line of historyConsoleLines(historyShown)) log.info(line);
  for (const line of historyProblemLines(historyShown)) log.warning(line);
  let resultsPath = join(outDir, RESULTS_FILE);
  if (selection.base && !shard) {
    results.base = await compareAgainstBase(selection.base, results, { ...runOptions, outDir });
    resultsPath = await writeResultsJson(outDir, results);
  }
  const training = shard
    ? []
    : await triggerTraining(selection.suites, results, {
        outDir,
        ledgerDir: jobLedgerDir(workdir),
        env,
        event: context,
        triggerOn: inputs.triggerOn,
        ...(runOptions.simulate ? { simulate: runOptions.simulate, cacheDir } : {}),
      });
  // The history after this run: each suite's trend in the summary, and the dashboard beside the history.
  const historyRuns = history ? parseHistory(await readFile(history.path, 'utf8').catch(() => '')).runs : undefined;
  const blocks = [
    ...(shard ? [shardNote(shard)] : []),
    ...renderMarkdownBlocks(results, historyRuns ? { history: historyRuns } : {}),
    ...(training.length > 0 ? [textBlock(['', ...training])] : []),
  ];
  await publishReport(blocks, results, {
    inputs,
    context,
    workdir,
    outDir,
    artifact: shard ? shardArtifactName(inputs.artifact, shard) : inputs.artifact,
    comment: !shard,
  });
  if (carryCache) await saveResponseCache(cacheDir, context.runId);
  await history?.save(results, { dashboard: (text) => renderDashboard(parseHistory(text).runs) });
  await reportDrift(results, {
    client: history && inputs.githubToken ? github.getOctokit(inputs.githubToken) : undefined,
    repository: { owner: context.owner, repo: context.repo },
    historyPath: history?.path,
    casesPath: join(outDir, CASES_FILE),
    commit: context.sha || null,
    runUrl: context.runUrl,
    runId: context.runId ? String(context.runId) : null,
    dashboardUrl: history?.dashboardUrl ?? null,
    accepted: inputs.accept,
  });

  gateStep(results, resultsPath, shard ? SHARD_POLICY : { failOn: inputs.failOn });
}

/** The Action: inputs → evaluate (head, and base on pull requests) → summary, comment, outputs, gate. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const context = readRunContext();
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const workdir = resolve(workspace, inputs.workingDirectory);
    if (inputs.command === 'promote') await promoteCommand(inputs, context, workdir);
    else if (inputs.command === 'train') await trainCommand(inputs, context, workdir);
    else if (inputs.command === 'merge') await mergeAndReport(inputs, context, workdir);
    else await evaluateAndReport(inputs, context, workspace);
  } catch (error) {
    if (error instanceof TunegateError) {
      for (const problem of error.problems)
        log.error(problem.message, { file: problem.file, startLine: problem.line, startColumn: problem.col });
      log.failed(error.message);
    } else {
      log.failed(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
