import { join } from 'node:path';
import { caseIdsOf } from '../dataset/source.js';
import type { Case } from '../dataset/types.js';
import { pickVariants } from '../decision/verdict.js';
import { listStoredCompletions } from '../providers/stored-completions.js';
import { CASES_FILE } from '../report/cases-file.js';
import { expectedAsText } from '../scoring/normalize.js';
import { examplesFromEval, examplesFromLogs, examplesFromStored } from '../training/collect.js';
import { preferencePairsFromEval } from '../training/dpo.js';
import { toTrainingExample } from '../training/examples.js';
import { fineTunedVariant, type ServeFormat, servingFormat } from '../training/serve-format.js';
import { buildTrainingSet } from '../training/training-set.js';
import type { PreferenceExample, TrainingExample, TrainingSetReport } from '../training/types.js';
import type { SuiteWithCases } from './validate.js';

export interface SuiteTrainingSetOptions {
  /** Directory of a run's results (its cases.jsonl feeds the `eval` source and preference pairs). */
  resultsDir?: string;
  /** Extra examples, e.g. from distillation. */
  extra?: { input: string; output: string }[];
  outDir: string;
  env: Record<string, string | undefined>;
}

/** The variant whose system prompt and template the trained model will be called with. */
export const trainingFormat = fineTunedVariant;

/** The gold rows training may use (the holdout's train part, or rows outside the evaluated sample). */
function examplesFromDataset(trainable: Case[], format: ServeFormat): TrainingExample[] {
  return trainable.map((c) =>
    toTrainingExample({
      id: `dataset:${c.id}`,
      source: 'eval',
      input: c.input,
      output: expectedAsText(c.expected),
      ...(typeof c.expected === 'string' ? { label: c.expected } : {}),
      format,
      fields: c.fields,
    }),
  );
}

/**
 * Collects the suite's training sources, then writes a decontaminated, stratified chat fine-tuning
 * set (train, validation, DPO pairs) whose inputs never overlap the evaluated cases. Rows come only from
 * `trainable`: a run's results are read only for those case ids, so an evaluated row never trains.
 */
export async function buildSuiteTrainingSet(
  { suite, cases: evaluated, trainable }: SuiteWithCases,
  options: SuiteTrainingSetOptions,
): Promise<TrainingSetReport> {
  const training = suite.training;
  const format = servingFormat(suite);
  const { baseline, candidate } = pickVariants(suite.variants, suite.decision);
  const trainableIds = new Set(caseIdsOf(trainable));
  const mayTrain = (caseId: string) => trainableIds.has(caseId);
  const examples: TrainingExample[] = [];
  let preference: PreferenceExample[] = [];
  const casesPath = options.resultsDir ? join(options.resultsDir, CASES_FILE) : undefined;
  for (const source of training?.sources ?? [{ type: 'dataset' as const }]) {
    if (source.type === 'eval' && casesPath) {
      examples.push(
        ...(await examplesFromEval(casesPath, { suite: suite.name, variant: baseline.name, format, mayTrain })),
      );
      if (candidate) {
        preference = await preferencePairsFromEval(casesPath, {
          suite: suite.name,
          baseline: baseline.name,
          candidate: candidate.name,
          format,
          mayTrain,
        });
      }
    } else if (source.type === 'dataset') {
      examples.push(...examplesFromDataset([...trainable], format));
    } else if (source.type === 'logs') {
      examples.push(...(await examplesFromLogs(source.path, { format })));
    } else if (source.type === 'stored') {
      const provider = suite.providers[source.provider];
      if (provider) {
        const list = () =>
          listStoredCompletions(provider, options.env, {
            metadata: source.metadata,
            limit: source.limit,
            ...(source.model ? { model: source.model } : {}),
          });
        examples.push(...(await examplesFromStored(list, { format })));
      }
    }
  }
  for (const [index, pair] of (options.extra ?? []).entries()) {
    examples.push(toTrainingExample({ id: `distilled:${index}`, source: 'distilled', ...pair, format }));
  }
  return buildTrainingSet(examples, {
    evalInputs: Array.from(evaluated, (c) => c.input),
    validationSplit: training?.validation_split ?? 0.1,
    maxTokensPerExample: training?.max_tokens_per_example ?? 65_536,
    outDir: options.outDir,
    preference,
  });
}
