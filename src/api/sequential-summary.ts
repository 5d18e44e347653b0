import type { LookAssessment, SequentialPlan } from '../decision/sequential-test.js';
import type { RunSummary } from '../engine/types.js';
import type { SequentialSummary, SuiteResult } from '../report/types.js';

/** The totals of two stages of one run, as one run's. */
export function addSummaries(a: RunSummary | null, b: RunSummary): RunSummary {
  if (!a) return b;
  return {
    total: a.total + b.total,
    completed: a.completed + b.completed,
    errors: a.errors + b.errors,
    cached: a.cached + b.cached,
    spent_usd: a.spent_usd + b.spent_usd,
    budget_exhausted: a.budget_exhausted || b.budget_exhausted,
    interrupted: a.interrupted || b.interrupted,
    recovered: a.recovered + b.recovered,
    elapsed_ms: a.elapsed_ms + b.elapsed_ms,
  };
}

/** What results.json says about a sequential suite's looks, once measured. */
export function summarise(
  plan: SequentialPlan,
  last: LookAssessment,
  stop: SequentialSummary['stopped_because'],
  result: SuiteResult,
): SequentialSummary {
  const variants = Object.values(result.variants);
  const evaluated = plan.sizes[last.look - 1] as number;
  const callsEvaluated = variants.reduce((sum, v) => sum + v.metrics.n, 0);
  const callsPlanned = evaluated === 0 ? 0 : Math.round((callsEvaluated * plan.planned) / evaluated);
  const callsSaved = Math.max(0, callsPlanned - callsEvaluated);
  const priced = variants.every((v) => v.metrics.cost_usd.total !== null);
  const spent = variants.reduce((sum, v) => sum + (v.metrics.cost_usd.total ?? 0), 0);
  return {
    looks_planned: plan.sizes.length,
    stopped_at_look: last.look,
    stopped_because: stop,
    cases_evaluated: evaluated,
    cases_planned: plan.planned,
    calls_evaluated: callsEvaluated,
    calls_saved: callsSaved,
    // The calls not made would have cost what the evaluated ones did on average: an estimate.
    usd_saved: priced && callsEvaluated > 0 ? (spent / callsEvaluated) * callsSaved : null,
    alpha: plan.alpha,
    boundaries: plan.bounds,
    adjusted_interval: last.interval,
  };
}
