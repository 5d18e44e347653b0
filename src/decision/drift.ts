/**
 * Drift: has a suite's variant got worse since its accepted reference run? Pure: data in, data out.
 * Accuracy is compared case by case on the cases both runs answered (exact McNemar on the flipped
 * cases, one-sided since only a loss is drift; Newcombe's paired interval), with Holm's adjustment across every variant of every suite of
 * the run, so that checking many variants every night does not raise more false alerts than the
 * stated confidence allows. Latency and cost drift when they rise beyond a set percentage.
 */
import { milliseconds, percent, points, usd } from '../format.js';
import type { DriftStatus, DriftVariant, SuiteDrift } from '../history/types.js';
import { exactMcNemarLoss, holmAdjust, type PairCounts, pairedDiffInterval } from './statistics.js';

/** Per-case outcomes: correct and answered, aligned with `ids` (in any order). */
export interface DriftOutcomes {
  ids: readonly string[];
  correct: ArrayLike<number>;
  answered: ArrayLike<number>;
}

/** One variant as measured by one run. */
export interface DriftMeasure {
  model: string;
  accuracy: number | null;
  latency_p95_ms: number | null;
  cost_per_1k_usd: number | null;
  /** null when the per-case outcomes cannot be read (the reference's case list is missing). */
  outcomes: DriftOutcomes | null;
}

export interface DriftPolicy {
  max_accuracy_loss: number;
  confidence: number;
  /** Percent rise of p95 latency / cost per 1k requests that counts as drift. */
  drift_latency_pct: number;
  drift_cost_pct: number;
}

export interface DriftRunRef {
  run_id: string;
  date: string;
  commit: string | null;
}

export interface SuiteDriftInput {
  suite: string;
  policy: DriftPolicy;
  /** The suite's latest accepted run; null: nothing to compare with (`no-history`). */
  against: DriftRunRef | null;
  /** Drift status of the suite's latest run in the history: a run back within bounds after it is `recovered`. */
  previous: DriftStatus | null;
  /** `reference`: the variant in its latest accepted run (usually `against`); null when it has none. */
  variants: Record<string, { current: DriftMeasure; reference: (DriftMeasure & { run: DriftRunRef }) | null }>;
}

interface Paired {
  counts: PairCounts;
  /** Ids present in both runs, answered or not. */
  common_ids: number;
}

/** The paired table then (first digit) × now (second digit) over the cases both runs answered. */
export function pairOutcomes(then: DriftOutcomes, now: DriftOutcomes): Paired {
  const counts: PairCounts = { n11: 0, n10: 0, n01: 0, n00: 0 };
  let commonIds = 0;
  const tally = (i: number, j: number) => {
    commonIds += 1;
    if (!then.answered[i] || !now.answered[j]) return;
    const before = then.correct[i] ? 1 : 0;
    const after = now.correct[j] ? 1 : 0;
    if (before) after ? counts.n11++ : counts.n10++;
    else after ? counts.n01++ : counts.n00++;
  };
  if (then.ids === now.ids) {
    for (let i = 0; i < now.ids.length; i++) tally(i, i);
  } else {
    const thenIndex = new Map<string, number>();
    for (let i = 0; i < then.ids.length; i++) thenIndex.set(then.ids[i] as string, i);
    for (let j = 0; j < now.ids.length; j++) {
      const i = thenIndex.get(now.ids[j] as string);
      if (i !== undefined) tally(i, j);
    }
  }
  return { counts, common_ids: commonIds };
}

function rise(then: number | null, now: number | null): number | null {
  if (then === null || now === null || then <= 0) return null;
  return (now - then) / then;
}

interface Measured {
  suite: number;
  variant: string;
  drift: DriftVariant;
  /** The paired table, when accuracy could be compared case by case. */
  counts: PairCounts | null;
}

function measureVariant(
  policy: DriftPolicy,
  now: DriftMeasure,
  then: DriftMeasure,
  notes: string[],
  name: string,
): Omit<Measured, 'suite' | 'variant'> {
  const drift: DriftVariant = {
    model_then: then.model,
    model_now: now.model,
    accuracy_then: then.accuracy,
    accuracy_now: now.accuracy,
    diff: null,
    diff_ci: null,
    p_value: null,
    p_adjusted: null,
    common_cases: 0,
    latency_p95_then: then.latency_p95_ms,
    latency_p95_now: now.latency_p95_ms,
    cost_per_1k_then: then.cost_per_1k_usd,
    cost_per_1k_now: now.cost_per_1k_usd,
    drifted: false,
    reasons: [],
  };
  if (!then.outcomes || !now.outcomes) {
    notes.push(`${name}: the reference's case list is missing, so accuracy was not compared case by case.`);
    return { drift, counts: null };
  }
  const { counts, common_ids } = pairOutcomes(then.outcomes, now.outcomes);
  if (common_ids !== then.outcomes.ids.length || common_ids !== now.outcomes.ids.length) {
    notes.push(
      `${name}: the case sets differ (${now.outcomes.ids.length} now, ${then.outcomes.ids.length} then); compared on the ${common_ids} cases both have.`,
    );
  }
  const n = counts.n11 + counts.n10 + counts.n01 + counts.n00;
  drift.common_cases = n;
  if (n === 0) {
    notes.push(`${name}: no case answered in both runs, so accuracy could not be compared.`);
    return { drift, counts: null };
  }
  const interval = pairedDiffInterval(counts, policy.confidence);
  drift.accuracy_then = (counts.n11 + counts.n10) / n;
  drift.accuracy_now = (counts.n11 + counts.n01) / n;
  drift.diff = interval.diff;
  drift.diff_ci = [interval.low, interval.high];
  drift.p_value = exactMcNemarLoss(counts.n10, counts.n01);
  return { drift, counts };
}

/** A drop beyond the margin whose Holm-adjusted p is below the suite's α. */
function significantDrop(drift: DriftVariant, policy: DriftPolicy): boolean {
  return (
    drift.p_adjusted !== null &&
    drift.diff !== null &&
    drift.p_adjusted < 1 - policy.confidence &&
    -drift.diff > policy.max_accuracy_loss
  );
}

function accuracyReason(drift: DriftVariant, policy: DriftPolicy, counts: PairCounts): string {
  const [low, high] = drift.diff_ci as [number, number];
  return `accuracy ${percent(drift.accuracy_then ?? 0)} → ${percent(drift.accuracy_now ?? 0)} on ${drift.common_cases} paired cases, ${points(drift.diff ?? 0)} (${percent(policy.confidence, 0)} CI ${points(low)} to ${points(high)}; ${counts.n10} right → wrong, ${counts.n01} wrong → right, one-sided exact McNemar p = ${(drift.p_value ?? 1).toPrecision(2)}, ${(drift.p_adjusted ?? 1).toPrecision(2)} after Holm), beyond the ${(policy.max_accuracy_loss * 100).toFixed(1)}-point margin`;
}

function riseReasons(drift: DriftVariant, policy: DriftPolicy): string[] {
  const reasons: string[] = [];
  const latency = rise(drift.latency_p95_then, drift.latency_p95_now);
  if (latency !== null && latency * 100 > policy.drift_latency_pct) {
    reasons.push(
      `p95 latency ${milliseconds(drift.latency_p95_then)} → ${milliseconds(drift.latency_p95_now)} (+${(latency * 100).toFixed(0)}%, beyond +${policy.drift_latency_pct}%)`,
    );
  }
  const cost = rise(drift.cost_per_1k_then, drift.cost_per_1k_now);
  if (cost !== null && cost * 100 > policy.drift_cost_pct) {
    reasons.push(
      `cost per 1k requests ${usd(drift.cost_per_1k_then)} → ${usd(drift.cost_per_1k_now)} (+${(cost * 100).toFixed(0)}%, beyond +${policy.drift_cost_pct}%)`,
    );
  }
  return reasons;
}

function statusOf(input: SuiteDriftInput, drifted: boolean): DriftStatus {
  if (input.against === null) return 'no-history';
  if (drifted) return 'drift';
  return input.previous === 'drift' ? 'recovered' : 'none';
}

function sameRun(a: DriftRunRef, b: DriftRunRef | null): boolean {
  return b !== null && a.run_id === b.run_id;
}

/** Drift of every suite of one run against its accepted reference, Holm-adjusted across all of them. */
export function computeDrift(inputs: readonly SuiteDriftInput[]): SuiteDrift[] {
  const measured: Measured[] = [];
  const notes: string[][] = inputs.map(() => []);
  inputs.forEach((input, suite) => {
    if (input.against === null) return;
    for (const [variant, { current, reference }] of Object.entries(input.variants)) {
      if (!reference) {
        notes[suite]?.push(
          `${variant}: no accepted run measured it yet; it becomes a reference when a run is accepted.`,
        );
        continue;
      }
      if (!sameRun(reference.run, input.against)) {
        notes[suite]?.push(
          `${variant}: compared with its latest accepted run, ${reference.run.run_id} of ${reference.run.date}.`,
        );
      }
      const found = measureVariant(input.policy, current, reference, notes[suite] as string[], variant);
      measured.push({ suite, variant, ...found });
    }
  });
  const tested = measured.filter((m) => m.drift.p_value !== null);
  const adjusted = holmAdjust(tested.map((m) => m.drift.p_value as number));
  tested.forEach((m, i) => {
    m.drift.p_adjusted = adjusted[i] as number;
  });
  for (const m of measured) {
    const policy = (inputs[m.suite] as SuiteDriftInput).policy;
    const reasons: string[] = [];
    if (m.counts && significantDrop(m.drift, policy)) reasons.push(accuracyReason(m.drift, policy, m.counts));
    reasons.push(...riseReasons(m.drift, policy));
    m.drift.reasons = reasons;
    m.drift.drifted = reasons.length > 0;
  }
  return inputs.map((input, suite) => {
    const variants: Record<string, DriftVariant> = {};
    for (const m of measured) if (m.suite === suite) variants[m.variant] = m.drift;
    const drifted = Object.values(variants).some((v) => v.drifted);
    const note = (notes[suite] as string[]).join(' ');
    return {
      status: statusOf(input, drifted),
      against: input.against,
      ...(note ? { note } : {}),
      variants,
    };
  });
}
