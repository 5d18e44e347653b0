import { join } from 'node:path';
import * as core from '@actions/core';
import { localModelFileOf } from '../api/local-server.js';
import type { RunSuitesOptions } from '../api/run-suites.js';
import { startSuitesSimulator } from '../api/simulate.js';
import { startSuiteTraining } from '../api/train.js';
import { buildSuiteTrainingSet } from '../api/training-set.js';
import type { SuiteWithCases } from '../api/validate.js';
import { TunegateError } from '../errors.js';
import type { TrainingJob } from '../providers/fine-tune-types.js';
import { codeSpan, escapeMarkdownInline, linkTarget } from '../report/escape.js';
import type { RunResults } from '../report/types.js';
import { shownPath } from '../suite/paths.js';
import { Output } from './constants.js';
import { log } from './log.js';
import { artifactUploader, keepLocalModel, type UploadFiles } from './training-upload.js';
import { type TriggerEvent, triggerRefusal } from './trigger-events.js';

const TRIGGERING_VERDICTS = new Set(['fine-tune', 'retrain']);

/**
 * For suites that opt in (training.trigger), a fine-tune or retrain verdict builds the training set
 * from this run and starts the configured backend — once per training set: the job ledger lives
 * with the response cache, so re-runs of the same data find the job already started.
 * Returns Markdown lines for the report.
 */
export async function triggerTraining(
  suites: SuiteWithCases[],
  results: RunResults,
  options: {
    outDir: string;
    ledgerDir: string;
    env: Record<string, string | undefined>;
    /** The event of this run and the `trigger-on` input: pull requests do not train unless asked. */
    event: TriggerEvent;
    triggerOn: readonly string[];
    /** On the simulator: the run's simulator has stopped, so the training backend gets one of its own. */
    simulate?: RunSuitesOptions['simulate'];
    cacheDir?: string;
    /** Uploads a locally trained model as an artifact (tests pass a fake; default: the runner's service). */
    uploadModel?: UploadFiles;
  },
): Promise<string[]> {
  const wanted = results.suites.filter((measured) => {
    const loaded = suites.find((s) => s.suite.name === measured.name);
    return loaded?.suite.training?.trigger && TRIGGERING_VERDICTS.has(measured.verdict.decision);
  });
  if (wanted.length === 0) return [];
  const refusal = triggerRefusal(options.event, options.triggerOn);
  if (refusal) {
    log.info(`Training: ${refusal}.`);
    return ['### Training', '', `- ⏸️ ${escapeMarkdownInline(refusal, 400)}.`, ''];
  }
  const simulator = options.simulate
    ? await startSuitesSimulator(suites, options.simulate, options.cacheDir)
    : undefined;
  try {
    return await startTraining(suites, wanted, options);
  } finally {
    await simulator?.close();
  }
}

async function startTraining(
  suites: SuiteWithCases[],
  wanted: RunResults['suites'],
  options: { outDir: string; ledgerDir: string; env: Record<string, string | undefined>; uploadModel?: UploadFiles },
): Promise<string[]> {
  const lines: string[] = [];
  for (const measured of wanted) {
    const loaded = suites.find((s) => s.suite.name === measured.name);
    if (!loaded) continue;
    const name = escapeMarkdownInline(measured.name);
    try {
      const set = await buildSuiteTrainingSet(loaded, {
        resultsDir: options.outDir,
        outDir: join(options.outDir, 'training', measured.name),
        env: options.env,
      });
      const { job, started } = await startSuiteTraining(loaded.suite, set.files, measured.verdict.decision, {
        env: options.env,
        ledgerDir: options.ledgerDir,
        uploadData: artifactUploader(options.env),
      });
      if (job.backend === 'local' && job.model) {
        lines.push(await localModelLine(loaded, measured, { ...job, model: job.model }, set.train, options));
        continue;
      }
      const target = job.url ? linkTarget(job.url) : undefined;
      const link = target ? ` ([follow it](${target}))` : '';
      const what = started ? 'started' : 'was already started for this training set';
      log.info(`Training for ${measured.name}: job ${job.id} on ${job.backend} ${what}.`);
      lines.push(
        `- 🔁 **${name}** (${measured.verdict.decision}): training job ${codeSpan(job.id)} on ${escapeMarkdownInline(job.backend)} ${what}${link} — ${set.train} examples, ${set.training_tokens_per_epoch.toLocaleString('en-US')} tokens per epoch.`,
      );
    } catch (error) {
      const message = error instanceof TunegateError ? error.message : (error as Error).message;
      log.warning(`Training for ${measured.name} not triggered: ${message}`);
      lines.push(
        `- ⚠️ **${name}** (${measured.verdict.decision}): training not triggered: ${escapeMarkdownInline(message, 400)}`,
      );
    }
  }
  return lines.length > 0 ? ['### Training', '', ...lines, ''] : [];
}

/**
 * A model trained on the runner lives in the job's workspace, which is gone when the job ends: it is kept
 * as a workflow artifact, and the line names the model, the artifact and the next step (a following step
 * of the same job can promote it from the workspace).
 */
async function localModelLine(
  loaded: SuiteWithCases,
  measured: RunResults['suites'][number],
  job: TrainingJob & { model: string },
  examples: number,
  options: { env: Record<string, string | undefined>; uploadModel?: UploadFiles },
): Promise<string> {
  const file = await localModelFileOf(loaded.suite, job.model);
  const kept = await keepLocalModel(file, job.model, options.env, options.uploadModel);
  core.setOutput(Output.trainedModel, job.model);
  const where =
    'artifact' in kept
      ? `kept as the workflow artifact ${codeSpan(kept.artifact.name)} (unzip it into ${codeSpan('.tunegate/models/')})`
      : `not kept: ${escapeMarkdownInline(kept.notKept, 300)}; it is only in ${codeSpan(shownPath(loaded.suite, file))} of this job's workspace, so promote it in a following step of this job`;
  const next = `tunegate promote ${loaded.suite.file} --model ${job.model}`;
  log.info(
    `Training for ${measured.name}: local model ${job.model} trained on the runner; ${'artifact' in kept ? `artifact ${kept.artifact.name}` : kept.notKept}.`,
  );
  return (
    `- 🔁 **${escapeMarkdownInline(measured.name)}** (${measured.verdict.decision}): local model ${codeSpan(job.model)} trained on the runner on ${examples} examples, ${where}. ` +
    `Next: ${codeSpan(next)} (or a following step with ${codeSpan('command: promote')} and ${codeSpan(`model: ${job.model}`)}).`
  );
}
