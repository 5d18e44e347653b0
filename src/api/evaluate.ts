import { iteratePlan } from '../engine/plan.js';
import { runCalls } from '../engine/run.js';
import type { PlannedCall, RunOptions } from '../engine/types.js';
import { describePrice, resolvePrice } from '../providers/pricing.js';
import { openCasesWriter } from '../report/files.js';
import type { RunResults, SuiteResult, VariantResult } from '../report/types.js';
import { createMetricsAccumulator } from '../scoring/metrics.js';
import { buildScorers, type Scorer, scoreRecord } from '../scoring/scorers.js';
import { evaluateThresholds } from '../scoring/thresholds.js';
import type { SuiteWithCases } from './validate.js';

export interface EvaluateOptions extends Omit<RunOptions, 'onRecord'> {
  /** Where cases.jsonl is streamed. */
  outDir: string;
  version: string;
}

type Accumulator = ReturnType<typeof createMetricsAccumulator>;

interface SuiteState {
  input: SuiteWithCases;
  scorers: Scorer[];
  metrics: Map<string, Accumulator>;
  simulated: boolean;
}

function variantResult(state: SuiteState, variantName: string): VariantResult {
  const { suite } = state.input;
  const variant = suite.variants.find((v) => v.name === variantName);
  const accumulator = state.metrics.get(variantName);
  if (!variant || !accumulator) throw new Error(`internal: no variant ${variantName}`);
  const metrics = accumulator.finish();
  const thresholds = evaluateThresholds(suite.thresholds, metrics);
  return {
    role: variant.role,
    provider: variant.provider,
    model: variant.model,
    price: describePrice(resolvePrice(variant.model, suite.pricing)),
    metrics,
    thresholds,
    passed: thresholds.every((t) => t.pass),
  };
}

function suiteResult(state: SuiteState): SuiteResult {
  const { suite, cases } = state.input;
  const variants: Record<string, VariantResult> = {};
  for (const variant of suite.variants) variants[variant.name] = variantResult(state, variant.name);
  return {
    name: suite.name,
    file: suite.file,
    ...(suite.description ? { description: suite.description } : {}),
    task: suite.task.kind,
    simulated: state.simulated,
    dataset: { path: suite.dataset.path ?? null, cases: cases.length, sampled: suite.dataset.sample !== undefined },
    variants,
    passed: Object.values(variants).every((v) => v.passed),
  };
}

/**
 * Runs every variant of every suite on the same cases, scores each response as it arrives, streams
 * cases.jsonl and returns the summary. Records are never held: memory stays bounded by the case list.
 */
export async function evaluate(inputs: SuiteWithCases[], options: EvaluateOptions): Promise<RunResults> {
  const startedAt = new Date();
  const states = new Map<string, SuiteState>();
  for (const input of inputs) {
    const metrics = new Map(input.suite.variants.map((v) => [v.name, createMetricsAccumulator(input.suite.task)]));
    const scorers = await buildScorers(input.suite.scoring, input.suite.task);
    states.set(input.suite.name, { input, scorers, metrics, simulated: false });
  }
  const writer = await openCasesWriter(options.outDir);
  const onRecord: RunOptions['onRecord'] = async (record, call: PlannedCall) => {
    const state = states.get(record.suite);
    if (!state) return;
    const scored = await scoreRecord(record, state.scorers, call.case.fields);
    state.metrics.get(record.variant)?.add(scored);
    if (record.simulated) state.simulated = true;
    await writer.write(scored);
  };
  let summary: Awaited<ReturnType<typeof runCalls>>;
  try {
    summary = await runCalls(iteratePlan(inputs), { ...options, onRecord });
  } finally {
    await writer.close();
  }
  const suites = [...states.values()].map(suiteResult);
  const finishedAt = new Date();
  return {
    schema_version: 1,
    tool: { name: 'tunegate', version: options.version },
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - startedAt.getTime(),
    simulated: suites.some((s) => s.simulated),
    suites,
    summary: {
      calls: summary.total,
      errors: summary.errors,
      cached: summary.cached,
      spent_usd: summary.spent_usd,
      budget_exhausted: summary.budget_exhausted,
      passed: suites.every((s) => s.passed) && !summary.budget_exhausted,
    },
  };
}
