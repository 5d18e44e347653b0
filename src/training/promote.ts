import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Comparison } from '../decision/types.js';
import { percent, points, thresholdValue, usd } from '../report/format.js';
import type { ThresholdResult, VariantMetrics } from '../scoring/types.js';

export { type ApplyPromotionOptions, applyPromotion, type PromotionResult } from './promote-apply.js';

export interface CandidateEvidence {
  model: string;
  metrics: VariantMetrics;
  thresholds: ThresholdResult[];
  /** The first error a failed call returned (a misspelt model answers 404 model_not_found). */
  firstError?: string;
}

/** The suite's prompted variant, measured on the same cases: the candidate may not lose to it beyond the margin. */
export interface PromptedEvidence {
  model: string;
  /** Candidate ("candidate") vs the prompted variant ("baseline") on the same cases. */
  comparison: Comparison;
}

export interface ChampionEvidence {
  model: string;
  metrics: VariantMetrics;
}

export interface JudgeInput {
  candidate: CandidateEvidence;
  /** The model the registry serves now; absent on the first promotion. */
  champion?: ChampionEvidence;
  /** Candidate ("candidate") vs champion ("baseline") on the same cases, from src/decision. */
  comparison?: Comparison;
  /** Absent when the suite has no prompted variant. */
  prompted?: PromptedEvidence;
  /** Accuracy the candidate may lose against the champion (non-inferiority margin). */
  margin: number;
}

/** `unchanged`: the candidate already is the champion, a success with nothing to do. */
export type PromotionDecision = 'promote' | 'refuse' | 'unchanged';

/** The numbers behind a judgement, flat and unit-named for the promotions ledger. */
export type PromotionNumbers = Record<string, number | null>;

export interface PromotionJudgement {
  decision: PromotionDecision;
  reasons: string[];
  numbers: PromotionNumbers;
}

/** The judgement when the candidate already is the champion: nothing to evaluate, nothing to write. */
export function alreadyChampion(model: string, where: string): PromotionJudgement {
  return {
    decision: 'unchanged',
    reasons: [`${model} is already the champion in ${where}; nothing to promote`],
    numbers: {},
  };
}

/**
 * Whether a trained candidate may replace the champion: none of its calls failed, every threshold
 * passes, against the champion it is shown non-inferior on the same cases, and it does not lose to the
 * suite's prompted variant beyond the margin. Pure: data in, judgement out.
 */
export function judgeCandidate(input: JudgeInput): PromotionJudgement {
  const { candidate, champion, comparison, prompted, margin } = input;
  if (champion?.model === candidate.model) return alreadyChampion(candidate.model, 'the registry');
  const refusals: string[] = [];
  const notes: string[] = [];

  const { errors, n } = candidate.metrics;
  if (errors > 0) {
    const first = candidate.firstError ? ` (first error: ${candidate.firstError})` : '';
    refusals.push(
      `${errors} of ${n} calls to ${candidate.model} failed${first}; a model that errors is never promoted: check the model id and that it is deployed`,
    );
  }

  const failed = candidate.thresholds.filter((threshold) => !threshold.pass);
  for (const threshold of failed) refusals.push(thresholdFailure(threshold));
  if (failed.length === 0 && candidate.thresholds.length > 0) {
    notes.push(
      `all ${candidate.thresholds.length} thresholds pass (${candidate.thresholds.map(thresholdPass).join(', ')})`,
    );
  }

  if (prompted) {
    const against = accuracyAgainstPrompted(prompted, margin);
    if (prompted.comparison.worse_beyond_margin) refusals.push(against);
    else notes.push(against);
  }

  if (!champion) {
    notes.push(`no champion yet: ${candidate.model} would be the first model in the registry`);
  } else if (!comparison) {
    refusals.push(
      `no paired comparison with the champion ${champion.model}: evaluate both on the same cases before promoting`,
    );
  } else {
    const against = accuracyAgainstChampion(comparison, champion.model, margin);
    if (comparison.non_inferior) notes.push(against);
    else refusals.push(against);
    notes.push(...economicsAgainstChampion(candidate.metrics, champion.metrics));
  }

  const decision: PromotionDecision = refusals.length === 0 ? 'promote' : 'refuse';
  return {
    decision,
    reasons: decision === 'promote' ? notes : refusals,
    numbers: promotionNumbers(input),
  };
}

function thresholdFailure(threshold: ThresholdResult): string {
  const limit = thresholdValue(threshold.metric, threshold.limit);
  if (threshold.actual === null) return `${threshold.metric} could not be measured, so its threshold (${limit}) fails`;
  const side = threshold.op === 'min' ? 'below the minimum' : 'above the maximum';
  return `${threshold.metric} ${thresholdValue(threshold.metric, threshold.actual)} is ${side} ${limit}`;
}

function thresholdPass(threshold: ThresholdResult): string {
  const bound = threshold.op === 'min' ? '≥' : '≤';
  return `${threshold.metric} ${thresholdValue(threshold.metric, threshold.actual)} ${bound} ${thresholdValue(threshold.metric, threshold.limit)}`;
}

/** "accuracy 91.0% vs the champion X's 93.0% on 60 paired cases (−2.0 points, 95% interval …)". */
function pairedFacts(comparison: Comparison, against: string): string {
  const [low, high] = comparison.accuracy_diff_ci;
  const level = `${Math.round(comparison.confidence * 100)}%`;
  return (
    `accuracy ${percent(comparison.candidate_accuracy)} vs ${against} ` +
    `${percent(comparison.baseline_accuracy)} on ${comparison.n} paired cases ` +
    `(${points(comparison.accuracy_diff)}, ${level} interval ${points(low)} to ${points(high)})`
  );
}

function accuracyAgainstPrompted({ model, comparison }: PromptedEvidence, margin: number): string {
  const facts = pairedFacts(comparison, `the prompted baseline ${model}'s`);
  const allowed = `${(margin * 100).toFixed(1)}-point`;
  return comparison.worse_beyond_margin
    ? `${facts}: worse than the prompted baseline beyond the ${allowed} margin`
    : `${facts}: does not lose to the prompted baseline beyond the ${allowed} margin`;
}

function accuracyAgainstChampion(comparison: Comparison, championModel: string, margin: number): string {
  const facts = pairedFacts(comparison, `the champion ${championModel}'s`);
  const allowed = `${(margin * 100).toFixed(1)}-point`;
  if (comparison.non_inferior) return `${facts}: within the ${allowed} non-inferiority margin`;
  const verdict = comparison.worse_beyond_margin
    ? `worse than the champion beyond the ${allowed} margin`
    : `not shown to be within the ${allowed} non-inferiority margin`;
  const more =
    comparison.additional_cases_needed === null
      ? ''
      : `; about ${comparison.additional_cases_needed} more paired cases could decide it`;
  return `${facts}: ${verdict}${more}`;
}

function economicsAgainstChampion(candidate: VariantMetrics, champion: VariantMetrics): string[] {
  const notes: string[] = [];
  const candidateCost = candidate.cost_usd.per_1k;
  const championCost = champion.cost_usd.per_1k;
  if (candidateCost !== null && championCost !== null) {
    notes.push(`cost per 1k requests ${usd(candidateCost)} vs ${usd(championCost)}`);
  }
  const candidateP95 = candidate.latency_ms?.p95;
  const championP95 = champion.latency_ms?.p95;
  if (candidateP95 !== undefined && championP95 !== undefined) {
    notes.push(
      `p95 latency ${thresholdValue('latency_p95_ms', candidateP95)} vs ${thresholdValue('latency_p95_ms', championP95)}`,
    );
  }
  return notes;
}

function promotionNumbers({ candidate, champion, comparison, prompted, margin }: JudgeInput): PromotionNumbers {
  return {
    candidate_errors: candidate.metrics.errors,
    candidate_accuracy: candidate.metrics.accuracy,
    candidate_cost_per_1k_usd: candidate.metrics.cost_usd.per_1k,
    candidate_latency_p95_ms: candidate.metrics.latency_ms?.p95 ?? null,
    champion_accuracy: champion?.metrics.accuracy ?? null,
    champion_cost_per_1k_usd: champion?.metrics.cost_usd.per_1k ?? null,
    champion_latency_p95_ms: champion?.metrics.latency_ms?.p95 ?? null,
    paired_cases: comparison?.n ?? null,
    accuracy_diff: comparison?.accuracy_diff ?? null,
    accuracy_diff_ci_low: comparison?.accuracy_diff_ci[0] ?? null,
    accuracy_diff_ci_high: comparison?.accuracy_diff_ci[1] ?? null,
    prompted_accuracy: prompted?.comparison.baseline_accuracy ?? null,
    prompted_accuracy_diff: prompted?.comparison.accuracy_diff ?? null,
    prompted_accuracy_diff_ci_low: prompted?.comparison.accuracy_diff_ci[0] ?? null,
    prompted_accuracy_diff_ci_high: prompted?.comparison.accuracy_diff_ci[1] ?? null,
    margin,
    thresholds_failed: candidate.thresholds.filter((threshold) => !threshold.pass).length,
  };
}

/** One line of the promotions ledger: every promotion and every refusal. */
export interface PromotionRecord {
  at: string;
  suite: string;
  candidate: string;
  champion: string | null;
  decision: PromotionDecision;
  reasons: string[];
  numbers: PromotionNumbers;
  /**
   * How the registry was changed. The line is part of the commit it describes, so it names the pull
   * request's branch, not a commit sha or the pull request's URL (neither exists yet when it is written).
   */
  applied?: { mode: string; changed: boolean; branch?: string };
}

export const PROMOTIONS_FILE = 'promotions.jsonl';

/** Appends the record as one JSON line (the file and its directory are created when missing). */
export async function recordPromotion(ledgerFile: string, entry: PromotionRecord): Promise<void> {
  await mkdir(path.dirname(ledgerFile), { recursive: true });
  await appendFile(ledgerFile, `${JSON.stringify(entry)}\n`);
}
