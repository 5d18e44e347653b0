import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pickVariants } from '../decision/verdict.js';
import { TunegateError } from '../errors.js';
import { createModelClient } from '../providers/client.js';
import { costOfCall, priceQueryOf, resolvePrice } from '../providers/pricing.js';
import type { ModelClient } from '../providers/types.js';
import type { LoadedSuite, ProviderSpec } from '../suite/types.js';
import { acceptJson, acceptOneOf } from '../training/accept.js';
import { type DistillProgress, type DistillResult, distill } from '../training/distill.js';

export const DISTILLED_FILE = 'distilled.jsonl';

export interface DistillSuiteOptions {
  env: Record<string, string | undefined>;
  outDir: string;
  /** Inputs of the evaluated cases: generated inputs that leak one are dropped before labelling. */
  evalInputs?: string[];
  /** Overrides training.distill.max_cost_usd. */
  maxCostUsd?: number;
  onProgress?: (progress: DistillProgress) => void;
  clientFor?: (provider: ProviderSpec, env: Record<string, string | undefined>) => ModelClient;
}

/** What a kept answer must look like: one of the labels, valid JSON for extraction, anything for generation. */
function acceptFor(suite: LoadedSuite): (output: string) => boolean {
  if (suite.task.kind === 'classification' && suite.task.labels) return acceptOneOf(suite.task.labels);
  if (suite.task.kind === 'extraction') return acceptJson();
  return (output) => output.trim() !== '';
}

function taskDescription(suite: LoadedSuite): string {
  const labels = suite.task.labels ? ` The answer is one of these labels: ${suite.task.labels.join(', ')}.` : '';
  return `${suite.description ?? suite.name} (${suite.task.kind}).${labels}`;
}

/**
 * Distillation: the suite's teacher variant turns the seed examples into a larger synthetic set,
 * written as distilled.jsonl ({"input","output"} lines) for the training set to use.
 */
export async function distillSuite(
  suite: LoadedSuite,
  options: DistillSuiteOptions,
): Promise<{ result: DistillResult; file: string }> {
  const spec = suite.training?.distill;
  if (!spec) {
    throw new TunegateError(
      'distill',
      `suite ${suite.name}: add training.distill (seeds: file://seeds.jsonl) to distil`,
    );
  }
  const teacher =
    suite.variants.find((v) => v.name === spec.teacher) ?? pickVariants(suite.variants, suite.decision).baseline;
  const provider = suite.providers[teacher.provider] as ProviderSpec;
  const client = (options.clientFor ?? createModelClient)(provider, options.env);
  const maxCostUsd = options.maxCostUsd ?? spec.max_cost_usd;
  // The teacher both generates and labels: every call is priced at its rates.
  const teacherPrice = resolvePrice(priceQueryOf(suite, teacher), suite.pricing).price;
  const result = await distill({
    task: taskDescription(suite),
    seeds: spec.seeds,
    ...(options.evalInputs ? { evalInputs: options.evalInputs } : {}),
    count: spec.count,
    batch: spec.batch,
    similarity: spec.similarity,
    generator: { client, model: teacher.model },
    labeller: { client, variant: teacher },
    accept: acceptFor(suite),
    costOf: (usage) => costOfCall(teacherPrice, usage, null) ?? 0,
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await mkdir(options.outDir, { recursive: true });
  const file = join(options.outDir, DISTILLED_FILE);
  await writeFile(file, result.examples.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return { result, file };
}
