import { join } from 'node:path';
import { startSuiteTraining } from '../api/train.js';
import { buildSuiteTrainingSet } from '../api/training-set.js';
import type { SuiteWithCases } from '../api/validate.js';
import { TunegateError } from '../errors.js';
import { codeSpan, escapeMarkdownInline, linkTarget } from '../report/escape.js';
import type { RunResults } from '../report/types.js';
import { log } from './log.js';
import { artifactUploader } from './training-upload.js';

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
  options: { outDir: string; ledgerDir: string; env: Record<string, string | undefined> },
): Promise<string[]> {
  const lines: string[] = [];
  for (const measured of results.suites) {
    const loaded = suites.find((s) => s.suite.name === measured.name);
    if (!loaded?.suite.training?.trigger || !TRIGGERING_VERDICTS.has(measured.verdict.decision)) continue;
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
