import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { promoteModel, promotionTarget } from '../api/promote.js';
import { trainCommand as runTraining } from '../api/train-command.js';
import { loadOneSuite, type SuiteWithCases } from '../api/validate.js';
import { TunegateError } from '../errors.js';
import type { TrainingJob } from '../providers/fine-tune-types.js';
import { codeSpan, escapeMarkdownInline } from '../report/escape.js';
import { renderMarkdownBlocks } from '../report/markdown.js';
import { textBlock } from '../report/markdown-blocks.js';
import { VERSION } from '../version.js';
import { Output } from './constants.js';
import { outsidePathPolicy, type RunContext } from './context.js';
import { type ActionInputs, cacheModeFor, simulateOption } from './inputs.js';
import { log } from './log.js';
import { writeJobSummary } from './publish.js';
import { maskSecrets } from './secrets.js';
import { artifactUploader } from './training-upload.js';

async function oneSuite(inputs: ActionInputs, context: RunContext, workdir: string): Promise<SuiteWithCases> {
  const loaded = await loadOneSuite(inputs.suites, {
    cwd: workdir,
    env: process.env,
    requireApiKeys: !inputs.simulate,
    outsidePaths: outsidePathPolicy(context.eventName),
    // Training makes the model a suite's local: variant may name: its file need not exist yet.
    requireLocalModels: inputs.command !== 'train',
  });
  maskSecrets(process.env, [loaded.suite]);
  return loaded;
}

/** command: promote — the gated promotion, reported in the summary; a refusal fails the step. */
export async function promoteCommand(inputs: ActionInputs, context: RunContext, workdir: string): Promise<void> {
  if (!inputs.model) throw new TunegateError('input', 'input "model": set the candidate model id to promote');
  const loaded = await oneSuite(inputs, context, workdir);
  const target =
    inputs.promoteMode === 'pull-request'
      ? promotionTarget({ ...process.env, GITHUB_REPOSITORY: `${context.owner}/${context.repo}` }, inputs.githubToken)
      : undefined;
  const outcome = await promoteModel(loaded, {
    model: inputs.model,
    mode: inputs.promoteMode,
    createKey: inputs.createKey,
    repoDir: process.env.GITHUB_WORKSPACE ?? workdir,
    ...(target ? { github: target } : {}),
    run: {
      outDir: resolve(workdir, inputs.out),
      version: VERSION,
      env: process.env,
      cacheDir: join(workdir, '.tunegate', 'cache'),
      cacheMode: cacheModeFor(inputs.cacheMode, context.eventName),
      simulate: simulateOption(inputs, workdir),
    },
  });
  const { judgement, applied } = outcome;
  core.setOutput(Output.promotion, judgement.decision);
  if (applied?.pullRequestUrl) core.setOutput(Output.pullRequestUrl, applied.pullRequestUrl);
  const model = codeSpan(inputs.model);
  const titles = {
    promote: `✅ Promote ${model}`,
    unchanged: `✅ Already the champion: ${model}`,
    refuse: `❌ Refused ${model}`,
  };
  const title = titles[judgement.decision];
  await writeJobSummary([
    textBlock([
      `## ${title}`,
      '',
      `Champion: ${codeSpan(outcome.champion ?? 'none')}`,
      '',
      ...judgement.reasons.map((reason) => `- ${escapeMarkdownInline(reason, 600)}`),
      '',
    ]),
    ...(outcome.results ? renderMarkdownBlocks(outcome.results) : []),
  ]);
  if (judgement.decision === 'refuse')
    log.failed(`tunegate: candidate ${inputs.model} refused: ${judgement.reasons.join(' ')}`);
}

/** command: train — starts training on a built set (once), or follows a started job (resume). */
export async function trainCommand(inputs: ActionInputs, context: RunContext, workdir: string): Promise<void> {
  const { suite } = await oneSuite(inputs, context, workdir);
  if (!inputs.job && !inputs.trainingSet)
    throw new TunegateError('input', 'input "training-set" (to start) or "job" (to follow) is needed');
  const outcome = await runTraining(suite, {
    cwd: workdir,
    env: process.env,
    ...(inputs.trainingSet ? { trainingSet: inputs.trainingSet } : {}),
    ...(inputs.job ? { job: inputs.job } : {}),
    verdict: 'fine-tune',
    follow: true,
    intervalMs: inputs.pollSeconds * 1000,
    uploadData: artifactUploader(process.env),
    onStarted: (job, started) =>
      log.info(`Training job ${job.id} on ${job.backend} ${started ? 'started' : 'was already started'}.`),
    onEvent: (e) => log.info(`${e.at} ${e.message}`),
  });
  const job = outcome.done as TrainingJob;
  core.setOutput(Output.jobId, job.id);
  core.setOutput(Output.jobStatus, job.status);
  if (job.model) core.setOutput(Output.trainedModel, job.model);
  await writeJobSummary(
    `## tunegate training\n\nJob ${codeSpan(job.id)} on ${escapeMarkdownInline(job.backend)}: **${escapeMarkdownInline(job.status)}**${job.model ? `, model ${codeSpan(job.model)}` : ''}\n`,
  );
  if (job.status === 'failed' || job.status === 'cancelled')
    log.failed(`tunegate: training job ${job.id} ${job.status}`);
}
