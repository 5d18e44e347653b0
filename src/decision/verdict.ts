import { milliseconds, percent, points, usd } from '../format.js';
import { zForConfidence } from '../scoring/intervals.js';
import { defaults } from '../suite/schema.js';
import type { DecisionSpec, VerdictName } from '../suite/types.js';
import { compareVariants } from './compare.js';
import { computeEconomics } from './economics.js';
import { fineTuneVerdict, type Outcome } from './fine-tune-verdict.js';
import { fragilityContrast } from './fragility-words.js';
import { regressionAgainstReference } from './regression.js';
import { withSequential } from './sequential-verdict.js';
import {
  baselineShutdownSentence,
  planMoveSentence,
  retrainingOutlivedSentence,
  retrainingTooSlowSentence,
  shutDownSentence,
} from './shutdown-words.js';
import { erfc } from './statistics.js';
import type { Comparison, Decision, DecisionInput, Economics, VariantEvidence } from './types.js';

function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Probability (normal approximation, standard error read off the interval) that the true
 * difference lies above `bound`, or below it when `above` is false.
 */
function probabilityBeyond(comparison: Comparison, bound: number, above: boolean): number {
  const [low, high] = comparison.accuracy_diff_ci;
  const se = Math.max((high - low) / (2 * zForConfidence(comparison.confidence)), 1e-9);
  const distance = (comparison.accuracy_diff - bound) / se;
  return normalCdf(above ? distance : -distance);
}

/**
 * A fine-tuned variant that is not competitive (worse beyond the margin, or failing a threshold)
 * does not settle the question: when the prompted variant shows the pains fine-tuning fixes, the
 * verdict is to fine-tune (properly) rather than to keep prompting.
 */
function withFineTuneAdvice(
  input: DecisionInput,
  baseline: VariantEvidence,
  economics: Economics,
  outcome: Outcome & { notCompetitive?: boolean },
): Outcome {
  const { notCompetitive, ...verdict } = outcome;
  if (!notCompetitive) return verdict;
  const advice = fineTuneVerdict(input, baseline, economics);
  if (advice.decision !== 'fine-tune') return verdict;
  return {
    ...advice,
    reasons: [`The current fine-tuned model is not competitive: ${verdict.reasons[0] ?? ''}`, ...advice.reasons],
  };
}

/** Baseline: the policy's, else the first prompted variant. Candidate: the policy's, else the first fine-tuned one. */
export function pickVariants<V extends { name: string; role: string }>(
  variants: V[],
  policy: { baseline?: string; candidate?: string },
): { baseline: V; candidate: V | null } {
  const byName = (name: string | undefined) => variants.find((v) => v.name === name);
  const baseline = byName(policy.baseline) ?? variants.find((v) => v.role === 'prompted') ?? variants[0];
  if (!baseline) throw new RangeError('a suite needs at least one variant to decide on');
  const candidate =
    byName(policy.candidate) ?? variants.find((v) => v.role === 'finetuned' && v.name !== baseline.name) ?? null;
  return { baseline, candidate };
}

function interval(comparison: Comparison): string {
  const [low, high] = comparison.accuracy_diff_ci;
  // A sequential run's adjusted level (e.g. 99.92%) must not round to "100%".
  const digits = Number.isInteger(Math.round(comparison.confidence * 1e6) / 1e4) ? 0 : 1;
  return `${points(comparison.accuracy_diff)} (${percent(comparison.confidence, digits)} CI ${points(low)} to ${points(high)})`;
}

function failedThresholdSentences(variant: VariantEvidence): string[] {
  return variant.thresholds
    .filter((t) => !t.pass)
    .map((t) => {
      const actual = t.actual === null ? 'could not be measured' : `is ${formatMetric(t.metric, t.actual)}`;
      const bound = `${t.op === 'min' ? 'at least' : 'at most'} ${formatMetric(t.metric, t.limit)}`;
      return `${variant.name} fails its ${t.metric} threshold: it ${actual}, the suite requires ${bound}.`;
    });
}

function formatMetric(metric: string, value: number): string {
  if (metric.includes('usd')) return usd(value);
  if (metric.includes('_ms')) return milliseconds(value);
  return percent(value);
}

/** The candidate already exists: its training is spent; only retraining on a schedule costs. */
function trainingSentence(economics: Economics, policy: DecisionSpec): string | null {
  const training = economics.training_cost_usd;
  const every = policy.retrain_every_months;
  const basis = economics.training_cost_basis === 'estimated' ? 'estimated ' : '';
  if (every === undefined) {
    return training === null
      ? null
      : `Its ${basis}training (${usd(training)}) is already spent and does not count; set decision.retrain_every_months to count retraining.`;
  }
  return economics.retraining_monthly_usd === null
    ? `The cost of retraining it every ${every} months is unknown (set decision.training_cost_usd).`
    : `Retraining it every ${every} months adds ${usd(economics.retraining_monthly_usd)} a month (${basis}training cost ${usd(training)}).`;
}

/** Variants whose cost cannot be worked out because their model has no known price. */
function unpricedVariants(variants: VariantEvidence[]): VariantEvidence[] {
  return variants.filter((variant) => !variant.metrics.cost_usd.price_known);
}

/** Names each unpriced variant and its model, and the suite key that prices them. */
function unknownPriceSentence(unpriced: VariantEvidence[]): string {
  const names = unpriced.map((variant) => `${variant.name} (${variant.model})`).join(' and ');
  const models = [...new Set(unpriced.map((variant) => variant.model))];
  const keys = models.map((model) => `${JSON.stringify(model)}: { input: …, output: … }`).join(', ');
  const verb = unpriced.length === 1 ? 'has' : 'have';
  return `Savings are unknown: ${names} ${verb} no known price; set pricing: { ${keys} } in the suite (USD per 1M tokens).`;
}

function economicsSentences(
  economics: Economics,
  policy: DecisionSpec,
  baselineVariant: VariantEvidence,
  candidateVariant: VariantEvidence,
): string[] {
  const baseline = baselineVariant.name;
  const candidate = candidateVariant.name;
  const sentences: string[] = [];
  const savings = economics.monthly_savings_usd;
  const retraining = economics.retraining_monthly_usd;
  const unpriced = unpricedVariants([baselineVariant, candidateVariant]);
  if (savings === null) {
    if (unpriced.length > 0) sentences.push(unknownPriceSentence(unpriced));
    else if (retraining !== null) sentences.push(`Savings are unknown: a variant's cost could not be worked out.`);
  } else if (savings > 0) {
    const withRetraining = retraining ? ` + ${usd(retraining)} retraining` : '';
    sentences.push(
      `${candidate} saves ${usd(savings)} a month at ${economics.monthly_requests.toLocaleString('en-US')} requests (${usd(economics.variants[baseline]?.monthly_cost_usd ?? null)} → ${usd(economics.variants[candidate]?.monthly_cost_usd ?? null)}${withRetraining}).`,
    );
  } else {
    sentences.push(`${candidate} costs ${usd(-savings)} a month more than ${baseline}.`);
  }
  const training = trainingSentence(economics, policy);
  if (training !== null) sentences.push(training);
  const change = economics.latency_p95_change_ms;
  if (change !== null) {
    const objective = economics.latency_objective_p95_ms;
    sentences.push(
      `p95 latency changes by ${change <= 0 ? '−' : '+'}${milliseconds(Math.abs(change))}${objective !== null ? ` (objective ${milliseconds(objective)})` : ''}.`,
    );
  }
  return sentences;
}

/** Why switching to an existing candidate does not pay, or null when it saves money. */
function whyNotPaying(economics: Economics, policy: DecisionSpec): string | null {
  const savings = economics.monthly_savings_usd;
  const retraining = economics.retraining_monthly_usd;
  const every = policy.retrain_every_months;
  if (savings === null) {
    return retraining === null
      ? `the cost of retraining it every ${every} months is unknown (set decision.training_cost_usd)`
      : 'its saving cannot be priced';
  }
  if (savings > 0) return null;
  return retraining
    ? `retraining it every ${every} months adds ${usd(retraining)} a month, which eats its saving`
    : 'it is not cheaper';
}

function meetsLatencyObjectiveOnlyWithCandidate(economics: Economics, baseline: string, candidate: string): boolean {
  const objective = economics.latency_objective_p95_ms;
  const base = economics.variants[baseline]?.latency_p95_ms;
  const cand = economics.variants[candidate]?.latency_p95_ms;
  return objective !== null && base != null && cand != null && base > objective && cand <= objective;
}

function candidateVerdict(
  input: DecisionInput,
  baseline: VariantEvidence,
  candidate: VariantEvidence,
  comparison: Comparison,
  economics: Economics,
): Outcome & { notCompetitive?: boolean } {
  const { policy } = input;
  const margin = points(-policy.max_accuracy_loss);
  const allowedLoss = `${(policy.max_accuracy_loss * 100).toFixed(1)} points`;
  const gone = shutDownSentence(input, candidate);
  if (gone !== null) {
    return { decision: 'keep-prompting', reasons: [gone], confidence: null, notCompetitive: true };
  }
  const failed = failedThresholdSentences(candidate);
  const reference = input.reference?.[candidate.name];
  if (reference?.passed && reference.model === candidate.model) {
    const regression = regressionAgainstReference(candidate, reference, policy);
    if (failed.length > 0 || regression.significant) {
      const reasons = [...failed];
      if (regression.significant) {
        reasons.push(
          `${candidate.name} (${candidate.model}) has lost accuracy since it was accepted: ${percent(regression.reference_accuracy)} → ${percent(regression.accuracy)}, ${points(regression.diff)} (CI ${points(regression.diff_ci[0])} to ${points(regression.diff_ci[1])}), beyond the ${allowedLoss} margin.`,
        );
      }
      const outlived = retrainingOutlivedSentence(input, candidate, economics);
      if (outlived !== null) {
        // Retraining on a base that shuts down before the retraining pays back wastes it: no retrain
        // (which would start training on that base); fine-tune advice may name a served base instead.
        return { decision: 'keep-prompting', reasons: [...reasons, outlived], confidence: null, notCompetitive: true };
      }
      reasons.push('Retrain it on fresh data, then evaluate the new model before promoting it.');
      return {
        decision: 'retrain',
        reasons,
        confidence: regression.significant ? 1 - (1 - policy.confidence) / 2 : null,
      };
    }
  }
  if (failed.length > 0) {
    return {
      decision: 'keep-prompting',
      reasons: [...failed, `Accuracy difference against ${baseline.name}: ${interval(comparison)}.`],
      confidence: null,
      notCompetitive: true,
    };
  }
  if (comparison.worse_beyond_margin) {
    return {
      decision: 'keep-prompting',
      notCompetitive: true,
      reasons: [
        `${candidate.name} is less accurate than ${baseline.name} beyond the allowed loss: ${interval(comparison)}, entirely below ${margin}.`,
        `${comparison.counts.n10} cases went right → wrong and ${comparison.counts.n01} wrong → right (exact McNemar p = ${comparison.mcnemar_p_value.toPrecision(3)}).`,
        ...economicsSentences(economics, policy, baseline, candidate),
      ],
      confidence: probabilityBeyond(comparison, -policy.max_accuracy_loss, false),
    };
  }
  // The candidate exists: its training is sunk, so only what keeping it costs decides.
  const faster = meetsLatencyObjectiveOnlyWithCandidate(economics, baseline.name, candidate.name);
  const unpriced = economics.monthly_savings_usd === null && unpricedVariants([baseline, candidate]).length > 0;
  if (unpriced && !faster && comparison.non_inferior) {
    return {
      decision: 'inconclusive',
      reasons: [
        `The economics could not be judged: ${candidate.name} is at most ${allowedLoss} less accurate than ${baseline.name} (${interval(comparison)}, above ${margin}) and passes every threshold, but whether switching pays is unknown.`,
        ...economicsSentences(economics, policy, baseline, candidate),
      ],
      confidence: null,
    };
  }
  const tooSlow = retrainingTooSlowSentence(input, candidate, economics);
  if (tooSlow !== null && !faster) {
    // Retraining is money still to be spent: it must pay back before the base shuts down and within
    // the horizon. (Training already done is sunk and never gets here: see planMoveSentence.)
    return {
      decision: 'keep-prompting',
      notCompetitive: true,
      reasons: [
        `Keeping ${candidate.name} does not pay: ${tooSlow}`,
        ...economicsSentences(economics, policy, baseline, candidate),
        `Accuracy difference: ${interval(comparison)}.`,
      ],
      confidence: null,
    };
  }
  const why = unpriced ? null : whyNotPaying(economics, policy);
  if (why !== null && !faster) {
    return {
      decision: 'keep-prompting',
      reasons: [
        `Switching to ${candidate.name} does not pay: ${why}, and it does not bring p95 latency within an objective that ${baseline.name} misses.`,
        ...economicsSentences(economics, policy, baseline, candidate),
        `Accuracy difference: ${interval(comparison)}.`,
      ],
      confidence: null,
    };
  }
  if (comparison.non_inferior) {
    const fragility = fragilityContrast(input, baseline, candidate);
    if (fragility.against !== null) {
      return {
        decision: 'keep-prompting',
        reasons: [
          fragility.against,
          `Its accuracy on the dataset as written: ${interval(comparison)}, above ${margin}.`,
          ...economicsSentences(economics, policy, baseline, candidate),
        ],
        confidence: null,
        notCompetitive: true,
      };
    }
    // A candidate that shuts down soon but is already trained still saves money every day it is
    // served, and nothing is left to pay back: switch, and tell the team to plan the next move.
    const planMove = planMoveSentence(input, candidate, economics);
    return {
      decision: 'switch',
      reasons: [
        `${candidate.name} is at most ${allowedLoss} less accurate than ${baseline.name}: ${interval(comparison)}, above ${margin}.`,
        ...(fragility.favour === null ? [] : [fragility.favour]),
        ...(planMove === null ? [] : [planMove]),
        ...economicsSentences(economics, policy, baseline, candidate),
        `It passes every threshold. ${comparison.counts.n10} cases went right → wrong and ${comparison.counts.n01} wrong → right.`,
      ],
      confidence: probabilityBeyond(comparison, -policy.max_accuracy_loss, true),
    };
  }
  const more = comparison.additional_cases_needed;
  return {
    decision: 'inconclusive',
    reasons: [
      `Not enough evidence: the accuracy difference ${interval(comparison)} straddles the margin of ${margin}.`,
      more === null
        ? 'The observed difference sits on the margin itself: more cases alone will not settle it; revisit decision.max_accuracy_loss.'
        : `About ${more.toLocaleString('en-US')} more cases (${(comparison.n + more).toLocaleString('en-US')} in all) would decide it with 80% power.`,
      ...economicsSentences(economics, policy, baseline, candidate),
    ],
    confidence: null,
  };
}

/**
 * No verdict when a variant it rests on failed more calls than the suite allows: the cases left
 * may not be a fair sample (failures cluster on long inputs, on some labels, at the end of an
 * interrupted run), so any reading of them could mislead.
 */
function tooManyErrors(
  input: DecisionInput,
  baseline: VariantEvidence,
  candidate: VariantEvidence | null,
  comparison: Comparison | undefined,
): Outcome | null {
  const limit = input.thresholds.error_rate?.max ?? defaults.thresholds.error_rate.max;
  const erring = [baseline, candidate].filter(
    (v): v is VariantEvidence => v !== null && v.metrics.n > 0 && v.metrics.error_rate > limit,
  );
  if (erring.length === 0) return null;
  const reasons = erring.map(
    (v) =>
      `No verdict: ${v.name} failed ${v.metrics.errors} of ${v.metrics.n} calls (${percent(v.metrics.error_rate)}), above the allowed error rate of ${percent(limit)} (thresholds.error_rate.max).`,
  );
  if (comparison && comparison.n > 0) {
    reasons.push(`On the ${comparison.n} cases both answered, the accuracy difference is ${interval(comparison)}.`);
  }
  reasons.push(
    'Fix what failed (the errors are in cases.jsonl) and run again; answers already received are reused from the response cache.',
  );
  return { decision: 'inconclusive', reasons, confidence: null };
}

/**
 * The verdict on a suite: switch, keep-prompting, fine-tune, retrain or inconclusive, with the
 * comparisons and economics behind it. Pure: data in, data out.
 */
export function decide(input: DecisionInput): Decision {
  const { baseline, candidate } = pickVariants(input.variants, input.policy);
  const others = input.variants.filter((v) => v.name !== baseline.name);
  const comparisons: Record<string, Comparison> = {};
  for (const variant of others) {
    comparisons[variant.name] = compareVariants(baseline, variant, input.policy, input.case_ids);
    const fragility = input.fragility?.comparisons[variant.name];
    if (fragility) comparisons[variant.name] = { ...(comparisons[variant.name] as Comparison), fragility };
  }
  if (candidate && input.sequential) {
    comparisons[candidate.name] = withSequential(comparisons[candidate.name] as Comparison, input.sequential);
  }
  const economics = computeEconomics(
    input.policy,
    input.thresholds,
    baseline,
    candidate,
    others,
    input.examples.cases,
    input.prices.training_per_1m_usd,
    candidate ? (input.lifecycle?.[candidate.name] ?? null) : null,
    input.prices.training_epochs,
  );
  const comparison = candidate ? comparisons[candidate.name] : undefined;
  const outcome =
    tooManyErrors(input, baseline, candidate, comparison) ??
    (candidate && comparison
      ? withFineTuneAdvice(
          input,
          baseline,
          economics,
          candidateVerdict(input, baseline, candidate, comparison, economics),
        )
      : fineTuneVerdict(input, baseline, economics));
  const decision: VerdictName = outcome.decision;
  const baselineLeaving = baselineShutdownSentence(input, baseline);
  return {
    comparisons,
    economics,
    verdict: {
      ...outcome,
      reasons: baselineLeaving === null ? outcome.reasons : [...outcome.reasons, baselineLeaving],
      baseline: baseline.name,
      candidate: candidate?.name ?? null,
      fails: input.policy.fail_on.includes(decision),
    },
  };
}
