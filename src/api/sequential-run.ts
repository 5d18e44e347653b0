import { mulberry32 } from '../dataset/sample.js';
import { sliceCases } from '../dataset/source.js';
import { answeredPairs } from '../decision/compare.js';
import { assessLook, type LookAssessment, planSequential, type SequentialPlan } from '../decision/sequential-test.js';
import type { SequentialEvidence } from '../decision/sequential-verdict.js';
import { pairCounts } from '../decision/statistics.js';
import { pickVariants } from '../decision/verdict.js';
import { estimateCost, refuseOverBudget } from '../engine/budget.js';
import { openResponseCache } from '../engine/cache.js';
import { effectiveCacheMode } from '../engine/cache-mode.js';
import { iteratePlan, type Plan } from '../engine/plan.js';
import { runCalls } from '../engine/run.js';
import type { PlannedCall, RunOptions, RunSummary } from '../engine/types.js';
import { TunegateError } from '../errors.js';
import { hash32 } from '../hash.js';
import type { SuiteResult } from '../report/types.js';
import type { SequentialSpec } from '../suite/types.js';
import { addSummaries, summarise } from './sequential-summary.js';
import type { SuiteTally } from './suite-tally.js';
import type { SuiteWithCases } from './validate.js';

/**
 * Sequential decisions (decision.sequential, `run --sequential`): a suite with a baseline and a candidate
 * is evaluated in looks over its cases in a seeded random order (a file sorted by label would bias the
 * early looks), and stops once the paired non-inferiority question is settled (decision/sequential-test.ts).
 */

export interface SequentialOptions {
  /** Turn it on for every suite with a baseline and a candidate (`--sequential`). */
  all?: boolean;
  /** Told why a suite that asks for looks runs them not. */
  onWarning?: (message: string) => void;
  /** Why no suite runs in looks in this run (e.g. a shard), when none may. */
  off?: string;
}

interface StagedSuite {
  plan: SequentialPlan;
  baseline: string;
  candidate: string;
  /** the last look taken; set once the first look ran */
  last: LookAssessment | null;
}

/** The cases in a seeded random order (Fisher–Yates), re-indexed: a case's index is its position in the run. */
function shuffledCases(input: SuiteWithCases): SuiteWithCases['cases'] {
  const random = mulberry32(hash32(0, `sequential:${input.suite.name}`));
  const cases = [...input.cases];
  for (let i = cases.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [cases[i], cases[j]] = [cases[j] as (typeof cases)[number], cases[i] as (typeof cases)[number]];
  }
  return cases.map((c, index) => ({ ...c, index }));
}

function concatPlans(plans: readonly Plan[], extra: readonly PlannedCall[] = []): Plan {
  return {
    size: plans.reduce((sum, plan) => sum + plan.size, 0) + extra.length,
    *[Symbol.iterator]() {
      for (const plan of plans) yield* plan;
      yield* extra;
    },
  };
}

export class SequentialLooks {
  /** The inputs to evaluate: sequential suites with their cases in look order. */
  readonly inputs: SuiteWithCases[];
  private readonly staged = new Map<string, StagedSuite>();
  /** Calls of the planned maximum (every case of every suite), for progress. */
  private plannedCalls = 0;

  constructor(inputs: readonly SuiteWithCases[], options: SequentialOptions = {}) {
    this.inputs = inputs.map((input) => {
      const { suite } = input;
      const spec: SequentialSpec | undefined =
        suite.decision.sequential ?? (options.all ? { looks: 5, spending: 'obrien-fleming' } : undefined);
      if (!spec) return input;
      if (options.off) {
        options.onWarning?.(`${suite.file}: suite "${suite.name}": sequential looks are off: ${options.off}`);
        return input;
      }
      const { baseline, candidate } = pickVariants(suite.variants, suite.decision);
      if (!candidate || input.cases.length === 0) {
        options.onWarning?.(
          `${suite.file}: suite "${suite.name}" has no baseline and candidate pair to compare; sequential looks are ignored and every case is evaluated`,
        );
        return input;
      }
      const plan = planSequential({
        planned: input.cases.length,
        looks: spec.looks,
        confidence: suite.decision.confidence,
        margin: suite.decision.max_accuracy_loss,
      });
      this.staged.set(suite.name, { plan, baseline: baseline.name, candidate: candidate.name, last: null });
      return { ...input, cases: shuffledCases(input) };
    });
  }

  /**
   * The cases fragility may sample: for a sequential suite the first look's, which every run evaluates
   * (in a random order, so still a random sample of the suite); its perturbed calls run after the last look.
   */
  fragilityInputs(): SuiteWithCases[] {
    return this.inputs.map((input) => {
      const first = this.staged.get(input.suite.name)?.plan.sizes[0];
      return first === undefined ? input : { ...input, cases: sliceCases(input.cases, 0, first) };
    });
  }

  /**
   * Runs the regular calls look by look, then `extra` (fragility) calls; with no sequential suite, one
   * runCalls as before. `tallyOf` gives each suite's tally, read after every look.
   */
  async run(
    extra: readonly PlannedCall[],
    options: RunOptions,
    tallyOf: (suite: string) => SuiteTally | undefined,
  ): Promise<RunSummary> {
    const flat = this.inputs.filter((input) => !this.staged.has(input.suite.name));
    if (this.staged.size === 0) return runCalls(concatPlans([iteratePlan(flat)], extra), options);
    this.plannedCalls = iteratePlan(this.inputs).size + extra.length;
    await this.checkWholeEstimate(extra, options);
    let summary: RunSummary | null = null;
    for (let look = 1; ; look++) {
      const slices = this.slicesOf(look);
      if (slices.length === 0 && look > 1) break;
      const plans = look === 1 ? [iteratePlan(flat), iteratePlan(slices)] : [iteratePlan(slices)];
      const stage = await this.runStage(concatPlans(plans), options, summary, look === 1);
      if (!stage) return { ...(summary as RunSummary), budget_exhausted: true };
      summary = addSummaries(summary, stage);
      for (const { suite } of slices) this.assess(suite.name, look, tallyOf(suite.name));
      if (summary.budget_exhausted || summary.interrupted) break;
    }
    const done = summary as RunSummary;
    if (done.budget_exhausted || done.interrupted || extra.length === 0) return done;
    const fragility = await this.runStage(concatPlans([], extra), options, done, false);
    return fragility ? addSummaries(done, fragility) : { ...done, budget_exhausted: true };
  }

  /** The cases each open suite evaluates at this look (those after the previous look). */
  private slicesOf(look: number): SuiteWithCases[] {
    const slices: SuiteWithCases[] = [];
    for (const input of this.inputs) {
      const staged = this.staged.get(input.suite.name);
      if (!staged || staged.last?.stop || look > staged.plan.sizes.length) continue;
      const from = look === 1 ? 0 : (staged.plan.sizes[look - 2] as number);
      slices.push({ ...input, cases: sliceCases(input.cases, from, staged.plan.sizes[look - 1]) });
    }
    return slices;
  }

  /** One stage's calls within what is left of the budget; null when the budget cannot cover the stage. */
  private async runStage(plan: Plan, options: RunOptions, before: RunSummary | null, first: boolean) {
    const spent = before?.spent_usd ?? 0;
    const { onProgress } = options;
    const stageOptions: RunOptions = {
      ...options,
      // Progress counts the whole run so far against the planned maximum, not one stage.
      ...(onProgress
        ? {
            onProgress: (progress) =>
              onProgress({
                done: (before?.total ?? 0) + progress.done,
                total: Math.max(this.plannedCalls, (before?.total ?? 0) + progress.total),
                errors: (before?.errors ?? 0) + progress.errors,
                cached: (before?.cached ?? 0) + progress.cached,
                spent_usd: spent + progress.spent_usd,
                elapsed_ms: (before?.elapsed_ms ?? 0) + progress.elapsed_ms,
              }),
          }
        : {}),
      ...(options.maxCostUsd !== undefined ? { maxCostUsd: Math.max(0, options.maxCostUsd - spent) } : {}),
      ...(first ? {} : { beforeFirstCall: undefined }),
    };
    try {
      return await runCalls(plan, stageOptions);
    } catch (error) {
      // The whole run's estimate passed before the first look: a later stage over what is left stops the looks.
      if (!first && error instanceof TunegateError && error.code === 'budget-estimate') return null;
      throw error;
    }
  }

  /** --max-cost-usd covers the planned maximum: estimated once for every look, before the first call. */
  private async checkWholeEstimate(extra: readonly PlannedCall[], options: RunOptions): Promise<void> {
    if (options.maxCostUsd === undefined) return;
    const mode = effectiveCacheMode(options);
    const cached = mode === 'use' ? openResponseCache(options.cacheDir as string).scan().keys : new Set<string>();
    const estimate = await estimateCost(concatPlans([iteratePlan(this.inputs)], extra), undefined, cached);
    refuseOverBudget('estimated cost of the planned maximum (every look)', estimate.usd, options.maxCostUsd);
  }

  private assess(suite: string, look: number, tally: SuiteTally | undefined): void {
    const staged = this.staged.get(suite);
    const baseline = tally?.variants.get(staged?.baseline ?? '');
    const candidate = tally?.variants.get(staged?.candidate ?? '');
    if (!staged || !baseline || !candidate) return;
    const n = staged.plan.sizes[look - 1] as number;
    const pairs = answeredPairs(
      { outcomes: baseline.outcomes.subarray(0, n), answered: baseline.answered.subarray(0, n) },
      { outcomes: candidate.outcomes.subarray(0, n), answered: candidate.answered.subarray(0, n) },
      [],
    );
    staged.last = assessLook(staged.plan, look, pairCounts(pairs.baseline, pairs.candidate));
  }

  /**
   * Narrows each sequential suite's tally to the cases evaluated (the verdict and the report read only
   * those); call once the looks are over, before measuring.
   */
  narrow(tallies: Iterable<SuiteTally>): void {
    for (const tally of tallies) {
      const staged = this.staged.get(tally.input.suite.name);
      if (!staged?.last) continue;
      const evaluated = staged.plan.sizes[staged.last.look - 1] as number;
      tally.input = { ...tally.input, cases: sliceCases(tally.input.cases, 0, evaluated) };
      for (const variant of tally.variants.values()) {
        variant.outcomes = variant.outcomes.subarray(0, evaluated);
        variant.answered = variant.answered.subarray(0, evaluated);
      }
    }
  }

  /** What the looks settled about a suite's candidate, for the verdict. */
  evidenceOf(suite: string): SequentialEvidence | undefined {
    const last = this.staged.get(suite)?.last;
    if (!last?.stop) return undefined;
    return { stopped_because: last.stop, adjusted_interval: last.interval };
  }

  /** Adds `sequential` to each sequential suite's result (call after measuring). */
  annotate(results: SuiteResult[]): void {
    for (const result of results) {
      const staged = this.staged.get(result.name);
      const last = staged?.last;
      if (!staged || !last?.stop) continue;
      result.sequential = summarise(staged.plan, last, last.stop, result);
    }
  }
}
