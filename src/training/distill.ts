import { mulberry32 } from '../dataset/sample.js';
import { buildMessages } from '../engine/plan.js';
import { TunegateError } from '../errors.js';
import type { ModelClient, TokenUsage } from '../providers/types.js';
import type { FewShotExample, VariantSpec } from '../suite/types.js';
import { leakIndex } from './decontaminate.js';
import { generationMessages, parseGeneratedInputs, SEEDS_PER_PROMPT } from './distill-prompt.js';
import { nearDuplicateIndex } from './similarity.js';

export interface DistillProgress {
  batches: number;
  /** Inputs the teacher wrote. */
  generated: number;
  kept: number;
  /** Inputs dropped as (near-)duplicates of an earlier generated input. */
  duplicates: number;
  /** Inputs dropped because they leak a seed or an eval input (the training-set rules: exact, containment, …). */
  leaks: number;
  /** Labelled inputs whose output failed `accept`. */
  rejected: number;
  spent_usd: number;
}

export type DistillStop = 'count' | 'budget' | 'no-progress' | 'error';

export interface DistillStats extends DistillProgress {
  /** Teacher replies that held no JSON array. */
  unparseable: number;
  stopped: DistillStop;
  /** Why it stopped, in words for the person running it. */
  reason: string;
}

export interface DistillOptions {
  /** Suite description, task kind and labels: what the generated inputs are for. */
  task: string;
  seeds: FewShotExample[];
  /** Inputs the teacher must not reuse besides the seeds: the eval set's. Never shown to the teacher. */
  evalInputs?: string[];
  count: number;
  batch: number;
  /** Jaccard similarity at which a new input counts as a near-duplicate. */
  similarity: number;
  /** The teacher writing new inputs (asked at temperature 1). */
  generator: { client: ModelClient; model: string };
  /** The teacher answering them with the prompted variant's own prompt, at temperature 0. */
  labeller: { client: ModelClient; variant: VariantSpec };
  /** Keeps an output only when it passes the suite's checks (a label of the task, valid JSON, a schema…). */
  accept: (output: string, input: string) => boolean | Promise<boolean>;
  /** Cost in USD of one call of `model`. */
  costOf: (usage: TokenUsage | null, model: string) => number;
  maxCostUsd?: number;
  onProgress?: (progress: DistillProgress) => void;
  /** Stop after this many batches in a row that keep nothing (default 3). */
  maxIdleBatches?: number;
  /** Labelling calls in flight at once (default 4). */
  concurrency?: number;
  /** Seeds which seed inputs each request shows (default 1). */
  seed?: number;
}

export interface DistillResult {
  examples: FewShotExample[];
  stats: DistillStats;
}

const DEFAULT_IDLE_BATCHES = 3;
const DEFAULT_CONCURRENCY = 4;

function checkOptions(options: DistillOptions): void {
  const positive: [string, number][] = [
    ['count', options.count],
    ['batch', options.batch],
  ];
  for (const [name, value] of positive) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TunegateError('distill', `distill ${name} must be a positive whole number, got ${value}`);
    }
  }
  if (options.seeds.length === 0) throw new TunegateError('distill', 'distillation needs at least one seed example');
}

/** A few seed inputs, picked afresh for each request so the teacher sees varied examples. */
function pickSeeds(seeds: FewShotExample[], random: () => number): string[] {
  const pool = seeds.map((seed) => seed.input);
  const take = Math.min(SEEDS_PER_PROMPT, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  return pool.slice(0, take);
}

type Labelled = { input: string; output: string } | { input: string; error: string } | { input: string; skipped: true };

/**
 * Grows a training set from a few seeds: the teacher writes new inputs, near-duplicates are dropped, the
 * teacher answers the rest with the prompted variant's prompt, and only answers that pass `accept` are kept.
 * Stops at `count`, when the budget is spent, after `maxIdleBatches` batches in a row that keep nothing, or
 * on a provider error — always with what was kept so far and the reason.
 */
export async function distill(options: DistillOptions): Promise<DistillResult> {
  checkOptions(options);
  const { generator, labeller, count } = options;
  const maxIdle = options.maxIdleBatches ?? DEFAULT_IDLE_BATCHES;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const random = mulberry32(options.seed ?? 1);
  const seen = nearDuplicateIndex(options.similarity);
  const protectedInputs = leakIndex([...options.seeds.map((seed) => seed.input), ...(options.evalInputs ?? [])]);

  const examples: FewShotExample[] = [];
  const progress: DistillProgress = {
    batches: 0,
    generated: 0,
    kept: 0,
    duplicates: 0,
    leaks: 0,
    rejected: 0,
    spent_usd: 0,
  };
  let unparseable = 0;
  let idle = 0;
  const overBudget = () => options.maxCostUsd !== undefined && progress.spent_usd >= options.maxCostUsd;
  const finish = (stopped: DistillStop, reason: string): DistillResult => ({
    examples,
    stats: { ...progress, unparseable, stopped, reason },
  });

  async function label(input: string): Promise<Labelled> {
    if (overBudget()) return { input, skipped: true };
    const testCase = {
      id: `distilled-${progress.generated}`,
      index: 0,
      input,
      expected: null,
      fields: { input },
      line: 0,
    };
    const messages = buildMessages(labeller.variant, testCase);
    try {
      const params = { ...labeller.variant.params, temperature: 0 };
      const result = await labeller.client.complete({ model: labeller.variant.model, messages, params });
      progress.spent_usd += options.costOf(result.usage, labeller.variant.model);
      return { input, output: result.text.trim() };
    } catch (error) {
      return { input, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Labels in order with at most `concurrency` calls in flight; the budget is checked before each call. */
  async function labelAll(inputs: string[]): Promise<Labelled[]> {
    const results: Labelled[] = new Array(inputs.length);
    let next = 0;
    const lane = async () => {
      while (next < inputs.length) {
        const index = next++;
        results[index] = await label(inputs[index] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, lane));
    return results;
  }

  // Bounded: every batch either keeps at least one example (at most `count` such batches) or is idle
  // (at most `maxIdle` in a row), and each loop turn runs exactly one batch.
  for (;;) {
    if (examples.length >= count) return finish('count', `reached ${count} examples`);
    if (overBudget()) {
      return finish('budget', `budget spent: $${progress.spent_usd.toFixed(4)} of $${options.maxCostUsd}`);
    }
    if (idle >= maxIdle) {
      return finish(
        'no-progress',
        `${maxIdle} batches in a row kept nothing new (the teacher repeats itself, or its answers fail the checks)`,
      );
    }
    progress.batches++;
    const request = {
      model: generator.model,
      messages: generationMessages(options.task, pickSeeds(options.seeds, random), options.batch),
      params: { temperature: 1 },
    };
    let reply: string;
    try {
      const result = await generator.client.complete(request);
      progress.spent_usd += options.costOf(result.usage, generator.model);
      reply = result.text;
    } catch (error) {
      return finish('error', `the teacher failed to write inputs: ${(error as Error).message}`);
    }

    const inputs = parseGeneratedInputs(reply);
    const fresh: string[] = [];
    if (inputs === null) unparseable++;
    for (const input of inputs ?? []) {
      progress.generated++;
      // Only as many as still needed are labelled (and remembered); the rest are left for nobody.
      if (fresh.length >= count - examples.length) continue;
      if (protectedInputs.find(input) !== undefined) progress.leaks++;
      else if (seen.addIfNew(input)) fresh.push(input);
      else progress.duplicates++;
    }

    const keptBefore = examples.length;
    let failure: string | undefined;
    for (const labelled of await labelAll(fresh)) {
      if ('skipped' in labelled) continue;
      if ('error' in labelled) {
        failure ??= labelled.error;
        continue;
      }
      if (await options.accept(labelled.output, labelled.input)) {
        examples.push({ input: labelled.input, output: labelled.output });
        progress.kept++;
      } else {
        progress.rejected++;
      }
    }
    idle = examples.length > keptBefore ? 0 : idle + 1;
    options.onProgress?.({ ...progress });
    if (failure !== undefined) return finish('error', `the teacher failed to label an input: ${failure}`);
  }
}
