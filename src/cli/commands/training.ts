import { resolve } from 'node:path';
import { distillSuite } from '../../api/distill.js';
import { headCommit } from '../../api/git.js';
import { DEFAULT_HISTORY_KEEP } from '../../api/history.js';
import { promoteModel, promotionTarget } from '../../api/promote.js';
import { type RunningSimulator, readSimConfigFile, simulateSuites } from '../../api/simulate.js';
import { trainCommand, trainingSucceeded } from '../../api/train-command.js';
import { buildSuiteTrainingSet } from '../../api/training-set.js';
import { loadOneSuite, type SuiteWithCases } from '../../api/validate.js';
import { ExitCode } from '../../errors.js';
import type { TrainingJob } from '../../providers/fine-tune-types.js';
import { createKeepAliveFetch } from '../../providers/http-fetch.js';
import { prunedLines } from '../../report/drift-report.js';
import { oneLine, stripControl } from '../../report/escape.js';
import { outOfScopeLines } from '../../report/out-of-scope-text.js';
import { LEAK_RULES, type LeakCounts } from '../../training/decontaminate.js';
import type { TrainingSetReport } from '../../training/types.js';
import type { LoopCliOptions, LoopCommand } from '../args.js';
import { type CliIo, VERSION } from '../io.js';

function loadSuite(
  command: LoopCommand,
  options: LoopCliOptions,
  io: CliIo,
  requireApiKeys: boolean,
): Promise<SuiteWithCases> {
  return loadOneSuite([options.suite], {
    cwd: io.cwd,
    env: io.env,
    requireApiKeys: requireApiKeys && !options.simConfig,
    // Only promotion serves the suite's local models; the other commands make or prepare them.
    requireLocalModels: command === 'promote',
  });
}

/** Leaks by rule (only rules that removed something), then a few examples of each, quoted and escaped. */
function leakLines(counts: LeakCounts, what: string): string {
  if (counts.removed === 0) return '';
  const rules = LEAK_RULES.filter((rule) => counts.by_rule[rule] > 0).map((rule) => `${counts.by_rule[rule]} ${rule}`);
  const quote = (text: string) => JSON.stringify(stripControl(text.length > 80 ? `${text.slice(0, 77)}...` : text));
  const examples = counts.examples.map((e) => `    ${e.rule}: ${quote(e.text)} ~ ${quote(e.match)}\n`);
  return `  ${what}: ${rules.join(', ')}\n${examples.join('')}`;
}

function printTrainingSet(report: TrainingSetReport, io: CliIo): void {
  const { eval: evalLeaks, validation: validationLeaks } = report.decontamination;
  io.stdout.write(
    `training set: ${report.train} train + ${report.validation} validation examples, ${report.preference_pairs} DPO pairs\n` +
      `  removed: ${report.decontaminated} leaking the eval set, ${report.duplicates_removed} duplicates, ${report.too_long} too long, ` +
      `${validationLeaks.removed} validation rows leaking the training split\n` +
      leakLines(evalLeaks, 'eval-set leaks') +
      leakLines(validationLeaks, 'validation leaks') +
      `  ${report.training_tokens_per_epoch.toLocaleString('en-US')} training tokens per epoch\n` +
      `  files: ${[report.files.train, report.files.validation, report.files.preference].filter(Boolean).join(', ')}\n`,
  );
}

function printJob(job: TrainingJob, started: boolean | undefined, io: CliIo): void {
  const how = started === undefined ? '' : started ? 'started' : 'already started for this training set';
  const model = job.model
    ? `, model ${job.model}${job.trained_model ? ` (a deployment of ${job.trained_model})` : ''}`
    : '';
  io.stdout.write(
    `job ${job.id} on ${job.backend}: ${job.status}${how ? ` (${how})` : ''}${model}${job.url ? `\n  ${job.url}` : ''}\n`,
  );
}

async function trainingSet(options: LoopCliOptions, io: CliIo, load: () => Promise<SuiteWithCases>): Promise<number> {
  const report = await buildSuiteTrainingSet(await load(), {
    ...(options.results ? { resultsDir: resolve(io.cwd, options.results) } : {}),
    outDir: resolve(io.cwd, options.out),
    env: io.env,
  });
  printTrainingSet(report, io);
  return ExitCode.ok;
}

async function distill(options: LoopCliOptions, io: CliIo, load: () => Promise<SuiteWithCases>): Promise<number> {
  const loaded = await load();
  const outDir = resolve(io.cwd, options.out);
  const { result, file } = await distillSuite(loaded.suite, {
    env: io.env,
    outDir,
    evalInputs: Array.from(loaded.cases, (c) => c.input),
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    ...(options.quiet
      ? {}
      : {
          onProgress: (p) =>
            io.stderr.write(
              `distill: ${p.kept} kept, ${p.duplicates} duplicates, ${p.leaks} leaking a seed or eval input, ${p.rejected} rejected, $${p.spent_usd.toFixed(4)}\n`,
            ),
        }),
  });
  io.stdout.write(
    `distilled ${result.examples.length} examples into ${file} (${result.stats.leaks} generated inputs dropped as leaks of a seed or eval input; stopped: ${result.stats.reason})\n`,
  );
  const report = await buildSuiteTrainingSet(loaded, { extra: result.examples, outDir, env: io.env });
  printTrainingSet(report, io);
  return ExitCode.ok;
}

async function train(options: LoopCliOptions, io: CliIo, load: () => Promise<SuiteWithCases>): Promise<number> {
  const { suite } = await load();
  const outcome = await trainCommand(suite, {
    cwd: io.cwd,
    env: io.env,
    ...(options.trainingSet ? { trainingSet: options.trainingSet } : {}),
    ...(options.job ? { job: options.job } : {}),
    verdict: options.verdict,
    follow: options.follow,
    intervalMs: 2_000,
    fetch: createKeepAliveFetch(io.env),
    onStarted: (job, started) => printJob(job, started, io),
    onEvent: (event) => io.stderr.write(`${event.at} ${event.message}\n`),
  });
  if (!outcome.done) return ExitCode.ok;
  printJob(outcome.done, undefined, io);
  return trainingSucceeded(outcome.done) ? ExitCode.ok : ExitCode.runtime;
}

async function promote(options: LoopCliOptions, io: CliIo, load: () => Promise<SuiteWithCases>): Promise<number> {
  const loaded = await load();
  const target = options.mode === 'pull-request' ? promotionTarget(io.env, io.env.GITHUB_TOKEN) : undefined;
  const outcome = await promoteModel(loaded, {
    model: options.model as string,
    mode: options.mode,
    repoDir: io.cwd,
    createKey: options.createKey,
    fetch: createKeepAliveFetch(io.env),
    ...(target ? { github: target } : {}),
    run: {
      outDir: resolve(io.cwd, options.out),
      version: VERSION,
      env: io.env,
      cacheDir: resolve(io.cwd, options.cacheDir),
      cacheMode: options.cacheMode,
      maxCostUsd: options.maxCostUsd,
      ...(options.history
        ? {
            history: { path: resolve(io.cwd, options.history), event: 'cli', commit: await headCommit(io.cwd, io.env) },
          }
        : {}),
    },
  });
  const { judgement, applied } = outcome;
  const headline = { promote: 'PROMOTE', refuse: 'REFUSED', unchanged: 'NOTHING TO DO' }[judgement.decision];
  io.stdout.write(`${headline} ${options.model} (champion: ${outcome.champion ?? 'none'})\n`);
  for (const reason of judgement.reasons) io.stdout.write(`  - ${reason}\n`);
  // Accuracy alone hides a model that never says "none of these": the contest's out-of-scope recall.
  const contest = outcome.results?.suites[0];
  const outOfScope = contest ? outOfScopeLines(contest, (name, text) => `  ${oneLine(name)}: ${text}`, oneLine) : [];
  for (const line of outOfScope) io.stdout.write(`${line}\n`);
  if (applied) {
    const where =
      applied.pullRequestUrl ?? applied.commit ?? (applied.mode === 'dry-run' ? 'dry run: nothing written' : '');
    io.stdout.write(
      `${applied.mode}: ${applied.changed ? 'registry updated' : 'registry already up to date'}${where ? ` (${where})` : ''}\n${applied.diff}\n`,
    );
  }
  // A pull request carries the records: they land with it, on its branch.
  const onBranch = applied?.branch ? ` on branch ${applied.branch}` : '';
  if (options.mode !== 'dry-run' && judgement.decision !== 'unchanged')
    io.stdout.write(`recorded in ${outcome.ledger}${onBranch}\n`);
  if (applied?.companions?.length) io.stdout.write(`committed with it: ${applied.companions.join(', ')}\n`);
  if (outcome.history) {
    io.stdout.write(
      `history: the promoted model is the accepted reference of ${loaded.suite.name} in ${outcome.history.path}${onBranch}\n`,
    );
    for (const line of prunedLines(outcome.history.pruned, DEFAULT_HISTORY_KEEP)) io.stdout.write(`${line}\n`);
  }
  return judgement.decision === 'refuse' ? ExitCode.gateFailed : ExitCode.ok;
}

const COMMANDS: Record<
  LoopCommand,
  (options: LoopCliOptions, io: CliIo, load: () => Promise<SuiteWithCases>) => Promise<number>
> = {
  'training-set': trainingSet,
  distill,
  train,
  promote,
};

/** With --sim-config, the one suite the command loads is served by a simulator for the command's lifetime. */
async function withSimulator(
  command: LoopCommand,
  options: LoopCliOptions,
  io: CliIo,
  requireApiKeys: boolean,
  run: (loaded: () => Promise<SuiteWithCases>) => Promise<number>,
) {
  if (!options.simConfig) return run(() => loadSuite(command, options, io, requireApiKeys));
  const behaviour = await readSimConfigFile(resolve(io.cwd, options.simConfig));
  let simulator: RunningSimulator | undefined;
  try {
    return await run(async () => {
      const loaded = await loadSuite(command, options, io, false);
      simulator = await simulateSuites([loaded], behaviour, resolve(io.cwd, options.cacheDir));
      io.stderr.write(`simulator: serving ${loaded.suite.name} at ${simulator.url}\n`);
      return loaded;
    });
  } finally {
    await simulator?.close();
  }
}

export function trainingCommand(command: LoopCommand, options: LoopCliOptions, io: CliIo): Promise<number> {
  // Building a training set from files calls no model (stored completions aside), so it needs no key; `train`
  // needs only its backend's, which the backend asks for itself (the local backend needs none).
  const needsKeys = command !== 'training-set' && command !== 'train';
  return withSimulator(command, options, io, needsKeys, (load) => COMMANDS[command](options, io, load));
}
