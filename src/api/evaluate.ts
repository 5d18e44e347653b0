import type { ReferenceVariant, VariantEvidence } from '../decision/types.js';
import { pickVariants } from '../decision/verdict.js';
import { effectiveCacheMode } from '../engine/cache-mode.js';
import { iteratePlan, type Plan } from '../engine/plan.js';
import { runCalls } from '../engine/run.js';
import type { PlannedCall, RunOptions } from '../engine/types.js';
import type { Problem } from '../errors.js';
import type { InstructionRewordings } from '../fragility/plan.js';
import { fineTuneOffers } from '../providers/fine-tune-prices.js';
import { describePrice, priceQueryOf, resolvePrice } from '../providers/pricing.js';
import { loadTokenizer } from '../providers/tokens.js';
import { stageRun } from '../report/run-folder.js';
import type { RunResults, SuiteResult } from '../report/types.js';
import { createMetricsAccumulator } from '../scoring/metrics.js';
import { isErrorRecord } from '../scoring/record.js';
import { buildScorers, type Scorer, scoreRecord } from '../scoring/scorers.js';
import { evaluateThresholds, shutdownThreshold } from '../scoring/thresholds.js';
import { type DecideFacts, decideSuite, flippedKey, hasPrefix, prefixTokens, readFlippedCases } from './decide.js';
import { FragilityRun } from './fragility-run.js';
import { type HistoryOptions, type MeasuredSuite, openHistory } from './history.js';
import { checkLifecycles, type ModelLifecycle, shutDownError } from './lifecycle.js';
import type { SuiteWithCases } from './validate.js';

export interface EvaluateOptions extends Omit<RunOptions, 'onRecord'> {
  /** Where results.json and cases.jsonl are published (staged in a run folder inside it until complete). */
  outDir: string;
  version: string;
  /**
   * Earlier accepted measurements, by suite then variant name (from a previous results.json); wins
   * over the history's accepted run for the `retrain` check.
   */
  reference?: Record<string, Record<string, ReferenceVariant>>;
  /** Remember the run in a history, measure drift against the accepted reference, and use it for `retrain`. */
  history?: HistoryOptions;
  /**
   * Look up every model's shutdown before the first call (see api/lifecycle.ts), as of `now`: a shut-down
   * model stops the run (exit 2), an announced shutdown is a warning and `lifecycle` in results.json.
   */
  lifecycle?: { now: Date; onWarning?: (warning: Problem) => void };
  /**
   * Measure fragility for suites with a `fragility` section (default true; `--no-fragility` sets false),
   * with the instruction rewordings of each suite by name (see api/fragility-instructions.ts).
   */
  fragility?: boolean;
  instructionRewordings?: ReadonlyMap<string, InstructionRewordings>;
}

interface VariantState {
  metrics: ReturnType<typeof createMetricsAccumulator>;
  /** 1 where the case was answered correctly, by case index. */
  outcomes: Uint8Array;
  /** 1 where the case was answered at all: the paired statistics pair only cases both variants answered. */
  answered: Uint8Array;
}

interface SuiteState {
  input: SuiteWithCases;
  scorers: Scorer[];
  variants: Map<string, VariantState>;
  simulated: boolean;
  /** Each variant's model shutdown, by variant name, when the run looked them up. */
  lifecycle?: Record<string, ModelLifecycle>;
}

/**
 * Prefix sizes matter only to a `fine-tune` verdict, which needs a suite without a fine-tuned
 * candidate: other runs never load the tokenizer (tens of MB).
 */
function needsPrefixTokens({ suite }: SuiteWithCases): boolean {
  return pickVariants(suite.variants, suite.decision).candidate === null && suite.variants.some(hasPrefix);
}

function variantEvidence(state: SuiteState): VariantEvidence[] {
  const { suite, cases } = state.input;
  const countPrefix = needsPrefixTokens(state.input);
  return suite.variants.map((variant) => {
    const measured = state.variants.get(variant.name) as VariantState;
    const metrics = measured.metrics.finish();
    const lifecycle = state.lifecycle?.[variant.name];
    const thresholds = [
      ...evaluateThresholds(suite.thresholds, metrics),
      ...(lifecycle ? shutdownThreshold(suite.thresholds, lifecycle.days_left) : []),
    ];
    return {
      name: variant.name,
      role: variant.role,
      model: variant.model,
      metrics,
      thresholds,
      passed: thresholds.every((t) => t.pass),
      outcomes: measured.outcomes,
      answered: measured.answered,
      prefix_tokens: countPrefix ? prefixTokens(variant, cases[0]) : 0,
    };
  });
}

function suiteResult(
  state: SuiteState,
  evidence: VariantEvidence[],
  reference: Record<string, ReferenceVariant> | undefined,
  facts: DecideFacts,
  fragility: FragilityRun,
) {
  const { suite, cases } = state.input;
  const measuredFragility = fragility.finish(suite, pickVariants(evidence, suite.decision).baseline.name);
  const decision = decideSuite(suite, state.input, evidence, reference, {
    ...facts,
    ...(measuredFragility ? { fragility: measuredFragility.evidence } : {}),
  });
  const variants: SuiteResult['variants'] = {};
  for (const v of evidence) {
    const spec = suite.variants.find((s) => s.name === v.name);
    const query = spec ? priceQueryOf(suite, spec) : { model: v.model, platform: null, base_model: null };
    const { price, source } = resolvePrice(query, suite.pricing);
    const lifecycle = state.lifecycle?.[v.name];
    variants[v.name] = {
      role: v.role,
      provider: spec?.provider ?? '',
      model: v.model,
      price: describePrice(price),
      price_source: source,
      metrics: v.metrics,
      thresholds: v.thresholds,
      passed: v.passed,
      ...(lifecycle ? { lifecycle: { ...lifecycle } } : {}),
      ...(measuredFragility?.variants[v.name] ? { fragility: measuredFragility.variants[v.name] } : {}),
    };
  }
  const result: SuiteResult = {
    name: suite.name,
    file: suite.file,
    ...(suite.description ? { description: suite.description } : {}),
    task: suite.task.kind,
    simulated: state.simulated,
    dataset: { path: suite.dataset.path ?? null, cases: cases.length, sampled: suite.dataset.sample !== undefined },
    variants,
    comparison: decision.comparisons,
    economics: decision.economics,
    verdict: decision.verdict,
    flipped_cases: {},
    ...(measuredFragility ? { fragile_cases: measuredFragility.fragileCases } : {}),
    passed: evidence.every((v) => v.passed) && !decision.verdict.fails,
  };
  return result;
}

/** Fills each comparison's flipped cases with their inputs and both answers, read back from cases.jsonl. */
async function attachFlippedCases(casesPath: string, suites: SuiteResult[]): Promise<void> {
  const wanted = suites.flatMap((suite) =>
    Object.values(suite.comparison).map((c) => ({ suite: suite.name, ...c, ...c.flipped })),
  );
  const found = await readFlippedCases(casesPath, wanted);
  for (const suite of suites) {
    for (const name of Object.keys(suite.comparison)) {
      const flipped = found.get(flippedKey(suite.name, name));
      if (flipped) suite.flipped_cases[name] = flipped;
    }
  }
}

/** The run's plan with the fragility calls after every regular call: a run stopped early keeps its paired data. */
function withFragility(plan: Plan, extra: readonly PlannedCall[]): Plan {
  if (extra.length === 0) return plan;
  return {
    size: plan.size + extra.length,
    *[Symbol.iterator]() {
      yield* plan;
      yield* extra;
    },
  };
}

/**
 * Runs every variant of every suite on the same cases, scores each response as it arrives, streams
 * cases.jsonl, then decides and publishes results.json with it (see run-folder.ts). Records are never
 * held: memory stays bounded by the case list.
 */
export async function evaluate(inputs: SuiteWithCases[], options: EvaluateOptions): Promise<RunResults> {
  const startedAt = new Date();
  const states = new Map<string, SuiteState>();
  for (const input of inputs) {
    const variants = new Map<string, VariantState>();
    for (const v of input.suite.variants) {
      variants.set(v.name, {
        metrics: createMetricsAccumulator(input.suite.task),
        outcomes: new Uint8Array(input.cases.length),
        answered: new Uint8Array(input.cases.length),
      });
    }
    const scorers = await buildScorers(input.suite.scoring, input.suite.task);
    states.set(input.suite.name, { input, scorers, variants, simulated: false });
  }
  const run = stageRun(options.outDir);
  const fragility = new FragilityRun(options.fragility === false ? [] : inputs, options.instructionRewordings);
  const onRecord: RunOptions['onRecord'] = async (record, call: PlannedCall) => {
    const state = states.get(record.suite);
    const variant = state?.variants.get(record.variant);
    if (!state || !variant) return;
    const scored = await scoreRecord(record, state.scorers, call.case.fields);
    if (record.simulated) state.simulated = true;
    // A fragility call measures the variant's steadiness, not its accuracy: it stays out of the metrics.
    if (fragility.record(call, scored)) return;
    variant.metrics.add(scored);
    if (!isErrorRecord(scored)) variant.answered[record.index] = 1;
    if (scored.correct) variant.outcomes[record.index] = 1;
    await run.cases.write(scored);
  };
  const {
    reference,
    history: historyOptions,
    lifecycle,
    outDir: _outDir,
    version: _version,
    fragility: _fragility,
    instructionRewordings: _rewordings,
    ...runOptions
  } = options;
  // Once the run may start and before its first call: a shut-down model stops it with nothing spent.
  const beforeFirstCall = lifecycle
    ? async () => {
        const check = await checkLifecycles(
          inputs.map((input) => input.suite),
          { now: lifecycle.now, env: options.env, cacheDir: options.cacheDir, cacheMode: effectiveCacheMode(options) },
        );
        if (check.problems.length > 0) throw shutDownError(check.problems);
        for (const warning of check.warnings) lifecycle.onWarning?.(warning);
        for (const [name, byVariant] of check.bySuite) {
          const state = states.get(name);
          if (state) state.lifecycle = byVariant;
        }
      }
    : undefined;
  try {
    // Read before any call: the accepted run is the `retrain` reference when --reference is not given.
    const history = historyOptions ? await openHistory(historyOptions) : undefined;
    const summary = await runCalls(withFragility(iteratePlan(inputs), fragility.calls), {
      ...runOptions,
      onRecord,
      beforeFirstCall,
    });
    await run.cases.close();
    if (inputs.some(needsPrefixTokens)) await loadTokenizer();
    const measured = [...states.values()].map((state): MeasuredSuite => {
      const evidence = variantEvidence(state);
      const name = state.input.suite.name;
      const accepted = reference?.[name] ?? history?.retrainReference(name);
      const { suite, cases } = state.input;
      // The verdict is told the shutdowns and the date they were counted from; it reads no clock itself.
      const facts: DecideFacts = {
        fineTuneOffers: fineTuneOffers(),
        today: (lifecycle?.now ?? startedAt).toISOString().slice(0, 10),
        ...(state.lifecycle ? { lifecycle: state.lifecycle } : {}),
      };
      return {
        suite,
        caseIds: cases.map((c) => c.id),
        evidence,
        result: suiteResult(state, evidence, accepted, facts, fragility),
      };
    });
    const suites = measured.map((m) => m.result);
    await attachFlippedCases(run.casesPath, suites);
    const finishedAt = new Date();
    // Drift of every suite against the history, then the run appended to it.
    const historySummary = history
      ? await history.write(
          history.measure(measured, {
            run_id: run.runId,
            date: finishedAt.toISOString(),
            cache_mode: effectiveCacheMode(options),
            complete: !summary.interrupted && !summary.budget_exhausted,
          }),
        )
      : undefined;
    const results: RunResults = {
      schema_version: 1,
      tool: { name: 'tunegate', version: options.version },
      run_id: run.runId,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      simulated: suites.some((s) => s.simulated),
      cache_mode: effectiveCacheMode(options),
      suites,
      ...(historySummary ? { history: historySummary } : {}),
      summary: {
        calls: summary.total,
        errors: summary.errors,
        cached: summary.cached,
        spent_usd: summary.spent_usd,
        cost_usd: { evaluation: Math.max(0, summary.spent_usd - fragility.spentUsd), fragility: fragility.spentUsd },
        budget_exhausted: summary.budget_exhausted,
        incomplete: summary.interrupted,
        recovered: summary.recovered,
        passed: suites.every((s) => s.passed) && !summary.budget_exhausted && !summary.interrupted,
      },
    };
    await run.publish(results);
    return results;
  } catch (error) {
    // Nothing of a failed run is published: the out dir keeps the previous run's pair.
    await run.discard();
    throw error;
  }
}
