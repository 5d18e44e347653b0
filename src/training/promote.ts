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
  /** Accuracy the candidate may lose against the champion (non-inferiority margin). */
  margin: number;
}

export type PromotionDecision = 'promote' | 'refuse';

/** The numbers behind a judgement, flat and unit-named for the promotions ledger. */
export type PromotionNumbers = Record<string, number | null>;

export interface PromotionJudgement {
  decision: PromotionDecision;
  reasons: string[];
  numbers: PromotionNumbers;
}

/**
 * Whether a trained candidate may replace the champion: every threshold passes and, against the
 * champion, the candidate is shown non-inferior on the same cases. Pure: data in, judgement out.
 */
export function judgeCandidate(input: JudgeInput): PromotionJudgement {
  const { candidate, champion, comparison, margin } = input;
  const refusals: string[] = [];
  const notes: string[] = [];

  const failed = candidate.thresholds.filter((threshold) => !threshold.pass);
  for (const threshold of failed) refusals.push(thresholdFailure(threshold));
  if (failed.length === 0 && candidate.thresholds.length > 0) {
    notes.push(
      `all ${candidate.thresholds.length} thresholds pass (${candidate.thresholds.map(thresholdPass).join(', ')})`,
    );
  }

  if (!champion) {
    notes.push(`no champion yet: ${candidate.model} would be the first model in the registry`);
  } else if (champion.model === candidate.model) {
    refusals.push(`${candidate.model} is already the champion; there is nothing to promote`);
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

function accuracyAgainstChampion(comparison: Comparison, championModel: string, margin: number): string {
  const [low, high] = comparison.accuracy_diff_ci;
  const level = `${Math.round(comparison.confidence * 100)}%`;
  const facts =
    `accuracy ${percent(comparison.candidate_accuracy)} vs the champion ${championModel}'s ` +
    `${percent(comparison.baseline_accuracy)} on ${comparison.n} paired cases ` +
    `(${points(comparison.accuracy_diff)}, ${level} interval ${points(low)} to ${points(high)})`;
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

function promotionNumbers({ candidate, champion, comparison, margin }: JudgeInput): PromotionNumbers {
  return {
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
  /** How the registry was (or would be) changed, and where: a commit sha or a pull request URL. */
  applied?: { mode: string; changed: boolean; commit?: string; pull_request_url?: string };
}

export const PROMOTIONS_FILE = 'promotions.jsonl';

/** Appends the record as one JSON line (the file and its directory are created when missing). */
export async function recordPromotion(ledgerFile: string, entry: PromotionRecord): Promise<void> {
  await mkdir(path.dirname(ledgerFile), { recursive: true });
  await appendFile(ledgerFile, `${JSON.stringify(entry)}\n`);
}
