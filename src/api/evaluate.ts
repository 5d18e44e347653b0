import type { ReferenceVariant } from '../decision/types.js';
import { effectiveCacheMode } from '../engine/cache-mode.js';
import type { PlannedCall, RunOptions } from '../engine/types.js';
import type { Problem } from '../errors.js';
import type { InstructionRewordings } from '../fragility/plan.js';
import { stageRun } from '../report/run-folder.js';
import type { RunResults } from '../report/types.js';
import { buildScorers, type Scorer, scoreRecord } from '../scoring/scorers.js';
import { BatchAccount } from './batch-account.js';
import type { BatchCollection } from './batch-run.js';
import { FragilityRun } from './fragility-run.js';
import { type HistoryOptions, openHistory } from './history.js';
import { checkLifecycles, shutDownError } from './lifecycle.js';
import { SequentialLooks, type SequentialOptions } from './sequential-run.js';
import type { ShardStamp } from './shard.js';
import { measureSuites, openTally, type SuiteTally, tallyRecord } from './suite-tally.js';
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
  /** Set when the inputs are one shard of the suites: results.json says which, for `merge`. */
  shard?: ShardStamp;
  /** Answers this run collected from batches (`--batch`, see batch-run.ts): paid for now, at the batch price. */
  batch?: BatchCollection;
  /** Sequential looks (decision.sequential; `all` for --sequential): see sequential-run.ts. */
  sequential?: SequentialOptions;
}

interface SuiteState {
  tally: SuiteTally;
  scorers: Scorer[];
}

/**
 * Runs every variant of every suite on the same cases, scores each response as it arrives, streams
 * cases.jsonl, then decides and publishes results.json with it (see run-folder.ts). Records are never
 * held: memory stays bounded by the case list.
 */
export async function evaluate(given: SuiteWithCases[], options: EvaluateOptions): Promise<RunResults> {
  const startedAt = new Date();
  const looks = new SequentialLooks(given, options.sequential);
  const inputs = looks.inputs;
  const states = new Map<string, SuiteState>();
  for (const input of inputs) {
    const scorers = await buildScorers(input.suite.scoring, input.suite.task);
    states.set(input.suite.name, { tally: openTally(input), scorers });
  }
  const run = stageRun(options.outDir);
  const fragility = new FragilityRun(
    options.fragility === false ? [] : looks.fragilityInputs(),
    options.instructionRewordings,
  );
  const batch = options.batch ? new BatchAccount(options.batch) : undefined;
  const onRecord: RunOptions['onRecord'] = async (made, call: PlannedCall) => {
    const record = batch ? batch.account(made, call) : made;
    const state = states.get(record.suite);
    if (!state?.tally.variants.has(record.variant)) return;
    const scored = await scoreRecord(record, state.scorers, call.case.fields);
    if (record.simulated) state.tally.simulated = true;
    // A fragility call measures the variant's steadiness, not its accuracy: it stays out of the metrics.
    if (fragility.record(call, scored)) return;
    tallyRecord(state.tally, record.index, scored);
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
    shard,
    batch: _batch,
    sequential: _sequential,
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
          if (state) state.tally.lifecycle = byVariant;
        }
      }
    : undefined;
  try {
    // Read before any call: the accepted run is the `retrain` reference when --reference is not given.
    const history = historyOptions ? await openHistory(historyOptions) : undefined;
    const summary = await looks.run(
      fragility.calls,
      { ...runOptions, onRecord, beforeFirstCall },
      (name) => states.get(name)?.tally,
    );
    await run.cases.close();
    looks.narrow([...states.values()].map((state) => state.tally));
    // The verdict is told the shutdowns and the date they were counted from; it reads no clock itself.
    const measured = await measureSuites(
      [...states.values()].map((state) => state.tally),
      {
        casesPath: run.casesPath,
        referenceOf: (name) => reference?.[name] ?? history?.retrainReference(name),
        today: (lifecycle?.now ?? startedAt).toISOString().slice(0, 10),
        fragilityOf: (suite, baseline) => fragility.finish(suite, baseline),
        sequentialOf: (name) => looks.evidenceOf(name),
      },
    );
    const suites = measured.map((m) => m.result);
    looks.annotate(suites);
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
      ...(shard ? { shard } : {}),
      ...(historySummary ? { history: historySummary } : {}),
      summary: {
        calls: summary.total,
        errors: summary.errors,
        cached: summary.cached - (batch?.records ?? 0),
        spent_usd: summary.spent_usd + (batch?.spentUsd ?? 0),
        cost_usd: {
          evaluation: Math.max(0, summary.spent_usd + (batch?.spentUsd ?? 0) - fragility.spentUsd),
          fragility: fragility.spentUsd,
        },
        budget_exhausted: summary.budget_exhausted,
        incomplete: summary.interrupted,
        recovered: summary.recovered,
        passed: suites.every((s) => s.passed) && !summary.budget_exhausted && !summary.interrupted,
        ...(batch ? { batch: batch.summary() } : {}),
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
