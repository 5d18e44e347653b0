import type { FragilityEvidence } from '../decision/types.js';
import type { PlannedCall } from '../engine/types.js';
import { compareFragility } from '../fragility/compare.js';
import { type FragilityObservation, measureFragility } from '../fragility/measure.js';
import { fragilityCalls, type InstructionRewordings } from '../fragility/plan.js';
import type { FragileCase, VariantFragility } from '../report/types.js';
import { isErrorRecord } from '../scoring/record.js';
import type { ScoredRecord } from '../scoring/types.js';
import type { MeasuredFamily } from '../suite/fragility-families.js';
import type { LoadedSuite } from '../suite/types.js';
import type { SuiteWithCases } from './validate.js';

/** A suite's measured fragility, or null when the run did not measure it. */
export type MeasuredFragility = {
  evidence: FragilityEvidence;
  variants: Record<string, VariantFragility>;
  fragileCases: FragileCase[];
} | null;

/** Fragile cases shown per variant: enough to see a pattern, few enough for a pull request comment. */
const FRAGILE_CASES_PER_VARIANT = 5;

interface BaseAnswer {
  answer: string;
  correct: boolean;
  input: string;
  expected: unknown;
}

interface PerturbedAnswer extends FragilityObservation {
  perturbedInput: string;
  change: string;
  cost: number | null;
}

interface VariantLog {
  base: Map<string, BaseAnswer>;
  perturbed: Omit<PerturbedAnswer, 'baseAnswer' | 'baseCorrect'>[];
}

/** The answer as the scorer compares it: the normalised label for classification, else the trimmed text. */
function comparable(record: ScoredRecord): string {
  return record.predicted_label ?? record.output?.trim() ?? '';
}

/**
 * Fragility during a run: adds the suite's perturbed calls to the plan, keeps each sampled case's
 * unperturbed answer and every perturbed answer (a few thousand small records at most, never the whole
 * run), and measures each variant once the run is over.
 */
export class FragilityRun {
  private readonly logs = new Map<string, Map<string, VariantLog>>();
  /** By suite: the cases perturbed, whose unperturbed answers the measurement needs. */
  private readonly sampled = new Map<string, Set<string>>();
  readonly calls: PlannedCall[] = [];

  constructor(inputs: readonly SuiteWithCases[], rewordings: ReadonlyMap<string, InstructionRewordings> = new Map()) {
    for (const { suite, cases } of inputs) {
      if (!suite.fragility) continue;
      const calls = fragilityCalls(suite, cases, suite.fragility, rewordings.get(suite.name));
      this.calls.push(...calls);
      const byVariant = new Map<string, VariantLog>();
      for (const variant of suite.variants) byVariant.set(variant.name, { base: new Map(), perturbed: [] });
      this.logs.set(suite.name, byVariant);
      this.sampled.set(suite.name, new Set(calls.map((call) => call.case.id)));
    }
  }

  /** Records a scored call: a perturbed one is kept for the measurement; true when the call was a fragility call. */
  record(call: PlannedCall, scored: ScoredRecord): boolean {
    const log = this.logs.get(scored.suite)?.get(scored.variant);
    if (!call.perturbation) {
      if (log && this.sampled.get(scored.suite)?.has(scored.case_id) && !isErrorRecord(scored)) {
        log.base.set(scored.case_id, {
          answer: comparable(scored),
          correct: scored.correct,
          input: scored.input,
          expected: scored.expected,
        });
      }
      return false;
    }
    log?.perturbed.push({
      caseId: scored.case_id,
      family: call.perturbation.family as MeasuredFamily,
      answer: comparable(scored),
      correct: scored.correct,
      ...(isErrorRecord(scored) ? { error: true } : {}),
      perturbedInput: call.case.input,
      change: call.perturbation.change,
      // What this run paid: an answer from the response cache cost nothing now, whatever it cost when stored.
      cost: scored.cached ? 0 : scored.cost_usd,
    });
    return true;
  }

  /** Money the fragility calls cost (cache hits cost nothing; unpriced calls count as 0). */
  get spentUsd(): number {
    let sum = 0;
    for (const byVariant of this.logs.values())
      for (const log of byVariant.values()) for (const p of log.perturbed) sum += p.cost ?? 0;
    return sum;
  }

  /** Each variant's fragility, the paired comparisons against the baseline, and the most fragile cases. */
  finish(suite: LoadedSuite, baseline: string): MeasuredFragility {
    const byVariant = this.logs.get(suite.name);
    if (!byVariant) return null;
    const options = { confidence: suite.decision.confidence, seed: suite.fragility?.seed ?? 1 };
    const observations = new Map<string, PerturbedAnswer[]>();
    for (const [name, log] of byVariant) observations.set(name, joinWithBase(log));
    const variants: Record<string, VariantFragility> = {};
    const stats: FragilityEvidence['variants'] = {};
    for (const [name, list] of observations) {
      const measured = measureFragility(list, options);
      stats[name] = measured;
      const costs = list.map((o) => o.cost);
      variants[name] = { ...measured, cost_usd: costs.some((c) => c === null) ? null : sum(costs as number[]) };
    }
    const comparisons: FragilityEvidence['comparisons'] = {};
    const base = observations.get(baseline) ?? [];
    for (const [name, list] of observations) {
      if (name === baseline) continue;
      // Only the families both were perturbed with: a prompt family one of them cannot have is no evidence.
      const shared = new Set(list.map((o) => o.family).filter((f) => base.some((o) => o.family === f)));
      const keep = (o: PerturbedAnswer) => shared.has(o.family);
      comparisons[name] = compareFragility(base.filter(keep), list.filter(keep), options);
    }
    const fragileCases = [...byVariant.keys()].flatMap((name) =>
      mostFragile(name, observations.get(name) ?? [], byVariant.get(name)?.base ?? new Map()),
    );
    return { evidence: { variants: stats, comparisons }, variants, fragileCases };
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Perturbed answers with the case's unperturbed answer beside them; cases whose own call failed are left out. */
function joinWithBase(log: VariantLog): PerturbedAnswer[] {
  return log.perturbed.flatMap((p) => {
    const base = log.base.get(p.caseId);
    return base ? [{ ...p, baseAnswer: base.answer, baseCorrect: base.correct }] : [];
  });
}

/** The variant's cases with the most changed answers, each with its first change. */
function mostFragile(variant: string, list: readonly PerturbedAnswer[], base: Map<string, BaseAnswer>): FragileCase[] {
  const byCase = new Map<string, { calls: number; flips: PerturbedAnswer[] }>();
  for (const o of list) {
    if (o.error) continue;
    const entry = byCase.get(o.caseId) ?? { calls: 0, flips: [] };
    entry.calls += 1;
    if (o.answer !== o.baseAnswer) entry.flips.push(o);
    byCase.set(o.caseId, entry);
  }
  return [...byCase.entries()]
    .filter(([, entry]) => entry.flips.length > 0)
    .sort(([, a], [, b]) => b.flips.length / b.calls - a.flips.length / a.calls || b.flips.length - a.flips.length)
    .slice(0, FRAGILE_CASES_PER_VARIANT)
    .map(([caseId, entry]) => {
      const first = entry.flips[0] as PerturbedAnswer;
      const original = base.get(caseId) as BaseAnswer;
      return {
        variant,
        case_id: caseId,
        family: first.family,
        input: original.input,
        perturbed_input: first.perturbedInput,
        change: first.change,
        expected: original.expected,
        answer: first.baseAnswer,
        perturbed_answer: first.answer,
        flips: entry.flips.length,
        calls: entry.calls,
      };
    });
}
