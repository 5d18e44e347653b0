import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { promoteModel } from '../api/promote.js';
import { followSuiteTraining, startSuiteTraining } from '../api/train.js';
import { loadOneSuite, type SuiteWithCases } from '../api/validate.js';
import { TunegateError } from '../errors.js';
import { codeSpan, escapeMarkdownInline } from '../report/escape.js';
import { renderMarkdownBlocks } from '../report/markdown.js';
import { textBlock } from '../report/markdown-blocks.js';
import { jobLedgerDir, legacyLedgerDirs } from '../training/ledger.js';
import { trainingSetFiles } from '../training/training-set.js';
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
  });
  maskSecrets(process.env, [loaded.suite]);
  return loaded;
}

/** command: promote — the gated promotion, reported in the summary; a refusal fails the step. */
export async function promoteCommand(inputs: ActionInputs, context: RunContext, workdir: string): Promise<void> {
  if (!inputs.model) throw new TunegateError('input', 'input "model": set the candidate model id to promote');
  const loaded = await oneSuite(inputs, context, workdir);
  const defaultBranch = process.env.GITHUB_BASE_REF || 'main';
  const outcome = await promoteModel(loaded, {
    model: inputs.model,
    mode: inputs.promoteMode,
    repoDir: process.env.GITHUB_WORKSPACE ?? workdir,
    ...(inputs.promoteMode === 'pull-request'
      ? {
          github: {
            apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
            token: inputs.githubToken,
            owner: context.owner,
            repo: context.repo,
            base: defaultBranch,
          },
        }
      : {}),
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
  const title = judgement.decision === 'promote' ? `✅ Promote ${model}` : `❌ Refused ${model}`;
  await writeJobSummary([
    textBlock([
      `## ${title}`,
      '',
      `Champion: ${codeSpan(outcome.champion ?? 'none')}`,
      '',
      ...judgement.reasons.map((reason) => `- ${escapeMarkdownInline(reason, 600)}`),
      '',
    ]),
    ...renderMarkdownBlocks(outcome.results),
  ]);
  if (judgement.decision === 'refuse')
    log.failed(`tunegate: candidate ${inputs.model} refused: ${judgement.reasons.join(' ')}`);
}

/** command: train — starts training on a built set (once), or follows a started job (resume). */
export async function trainCommand(inputs: ActionInputs, context: RunContext, workdir: string): Promise<void> {
  const { suite } = await oneSuite(inputs, context, workdir);
  const options = {
    env: process.env,
    ledgerDir: jobLedgerDir(workdir),
    legacyLedgerDirs: legacyLedgerDirs(workdir),
    uploadData: artifactUploader(process.env),
  };
  let id = inputs.job;
  if (!id) {
    if (!inputs.trainingSet)
      throw new TunegateError('input', 'input "training-set" (to start) or "job" (to follow) is needed');
    const files = trainingSetFiles(resolve(workdir, inputs.trainingSet));
    const { job, started } = await startSuiteTraining(suite, files, 'fine-tune', options);
    log.info(`Training job ${job.id} on ${job.backend} ${started ? 'started' : 'was already started'}.`);
    id = job.id;
  }
  const job = await followSuiteTraining(suite, id, {
    ...options,
    intervalMs: inputs.pollSeconds * 1000,
    onEvent: (e) => log.info(`${e.at} ${e.message}`),
  });
  core.setOutput(Output.jobId, job.id);
  core.setOutput(Output.jobStatus, job.status);
  if (job.model) core.setOutput(Output.trainedModel, job.model);
  await writeJobSummary(
    `## tunegate training\n\nJob ${codeSpan(job.id)} on ${escapeMarkdownInline(job.backend)}: **${escapeMarkdownInline(job.status)}**${job.model ? `, model ${codeSpan(job.model)}` : ''}\n`,
  );
  if (job.status === 'failed' || job.status === 'cancelled')
    log.failed(`tunegate: training job ${job.id} ${job.status}`);
}
