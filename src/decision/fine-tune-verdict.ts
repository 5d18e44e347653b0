import { milliseconds, percent, usd } from '../format.js';
import { projectFineTune } from './economics.js';
import { chooseFineTuneOption, trainingEnds } from './fine-tune-choice.js';
import { fragilityPain } from './fragility-words.js';
import { daysBetween, inDays, monthsText } from './lifespan.js';
import { LOCAL_PLATFORM, localRecommendationSentence } from './local-option.js';
import type { DecisionInput, Economics, FineTuneProjection, VariantEvidence, Verdict } from './types.js';

const MIN_DISTILLATION_SEEDS = 10;

/** A verdict before the names of its baseline and candidate and whether it fails the run are added. */
export type Outcome = Omit<Verdict, 'fails' | 'baseline' | 'candidate'>;

/** The pains of prompting that fine-tuning fixes, one sentence each. */
function painSentences(input: DecisionInput, baseline: VariantEvidence, economics: Economics): string[] {
  const { policy, thresholds } = input;
  const base = economics.variants[baseline.name];
  const pains: string[] = [];
  const monthly = base?.monthly_cost_usd ?? null;
  if (monthly !== null && monthly > policy.pain_monthly_cost_usd) {
    pains.push(
      `${baseline.name} would cost ${usd(monthly)} a month at ${policy.monthly_requests.toLocaleString('en-US')} requests (pain point ${usd(policy.pain_monthly_cost_usd)}).`,
    );
  }
  const objective = economics.latency_objective_p95_ms;
  if (objective !== null && base?.latency_p95_ms != null && base.latency_p95_ms > objective) {
    pains.push(
      `Its p95 latency is ${milliseconds(base.latency_p95_ms)}, over the ${milliseconds(objective)} objective.`,
    );
  }
  const minAccuracy = thresholds.accuracy?.min;
  if (minAccuracy !== undefined && baseline.metrics.accuracy < minAccuracy) {
    pains.push(
      `Its accuracy of ${percent(baseline.metrics.accuracy)} is below the ${percent(minAccuracy)} threshold: prompting has hit a ceiling.`,
    );
  }
  const fragile = fragilityPain(input, baseline);
  if (fragile !== null) pains.push(fragile);
  const promptTokens = baseline.metrics.tokens.prompt_per_request;
  if (promptTokens > policy.long_prompt_tokens) {
    pains.push(
      `Its prompt is long: ${Math.round(promptTokens)} tokens per request, ${baseline.prefix_tokens} of them fixed instructions and examples a fine-tuned model would not need.`,
    );
  }
  return pains;
}

/** The recommended base, what it saves, what training it costs and by when it must pay back. */
function projectionSentences(input: DecisionInput, projection: FineTuneProjection, configured: boolean): string[] {
  const { policy } = input;
  const local = projection.platform === LOCAL_PLATFORM;
  const on = local ? 'the runner' : projection.platform;
  const where = `${projection.base} on ${on}${configured ? ' (the configured training backend)' : ''}`;
  const savings = projection.monthly_savings_usd;
  const sentences = [
    savings === null
      ? `The saving cannot be projected: a fine-tuned ${where} has no known price.`
      : `A fine-tuned ${where} serving the same requests without the fixed prompt would ${savings > 0 ? `save about ${usd(savings)}` : `cost ${usd(-savings)} more`} a month (prices: ${projection.source}).`,
  ];
  const cost = projection.training_cost_usd;
  const basis = projection.training_cost_basis === 'estimated' ? 'estimated ' : '';
  if (cost === null) {
    sentences.push('Its training cost is unknown: set decision.training_cost_usd.');
  } else if (projection.payback_months !== null) {
    const within = projection.payback_months <= policy.payback_months;
    sentences.push(
      `Its ${basis}training (${usd(cost)}) pays back in ${monthsText(projection.payback_months)}, ${within ? 'within' : 'beyond'} the ${policy.payback_months}-month horizon (decision.payback_months)${within ? '' : ': worth it for accuracy or latency, not for cost'}.`,
    );
  } else {
    sentences.push(`Its ${basis}training (${usd(cost)}) would not be paid back: it saves nothing.`);
  }
  if (local) sentences.push(localRecommendationSentence(configured));
  if (projection.shutdown_date !== null) {
    const days = input.today === undefined ? null : daysBetween(input.today, projection.shutdown_date);
    sentences.push(
      `${projection.base} shuts down on ${projection.shutdown_date}${days === null ? '' : `, ${inDays(days)}`}; a fine-tune of it stops the same day.`,
    );
  }
  return sentences;
}

/** The saving of the recommended base, or why none can be projected and what to configure. */
function recommendation(
  input: DecisionInput,
  baseline: VariantEvidence,
  economics: Economics,
): { sentences: string[]; projection: FineTuneProjection | null } {
  const { option, notes } = chooseFineTuneOption(input);
  if (option === null) {
    return {
      sentences: [
        ...notes,
        'The saving cannot be projected: no base that can still be fine-tuned is known. Add a provider on a platform that fine-tunes (platform: together, fireworks or azure) with training.backend on it, or set decision.fine_tune_model and its price under pricing:.',
      ],
      projection: null,
    };
  }
  const monthly = economics.variants[baseline.name]?.monthly_cost_usd ?? null;
  const projection = projectFineTune(input.policy, baseline, monthly, input.examples.cases, option);
  const ends = trainingEnds(option, input.today);
  const deadline = ends === null ? [] : [`${ends}: start the training job by ${option.trainable_until}.`];
  return {
    sentences: [...projectionSentences(input, projection, option.configured), ...deadline, ...notes],
    projection,
  };
}

/**
 * Without a competitive candidate: fine-tune when prompting shows the pains fine-tuning fixes and
 * there is data to train on, on a base that can still be trained and outlives its payback.
 */
export function fineTuneVerdict(input: DecisionInput, baseline: VariantEvidence, economics: Economics): Outcome {
  const { policy } = input;
  const base = economics.variants[baseline.name];
  const pains = painSentences(input, baseline, economics);
  const monthly = base?.monthly_cost_usd ?? null;
  const promptTokens = baseline.metrics.tokens.prompt_per_request;
  if (pains.length === 0) {
    return {
      decision: 'keep-prompting',
      reasons: [
        `${baseline.name} shows none of the pains fine-tuning fixes: ${usd(monthly)} a month, p95 ${milliseconds(base?.latency_p95_ms)}, ${Math.round(promptTokens)} prompt tokens, accuracy ${percent(baseline.metrics.accuracy)}.`,
      ],
      confidence: null,
    };
  }
  const { cases, seeds } = input.examples;
  const enoughExamples = cases >= policy.min_training_examples;
  const enoughSeeds = seeds >= MIN_DISTILLATION_SEEDS;
  if (!enoughExamples && !enoughSeeds) {
    const collect = `collect ${policy.min_training_examples} examples, or ${MIN_DISTILLATION_SEEDS} seeds to distil from`;
    // Without a holdout the evaluated rows are all the dataset offers, and they never train.
    const advice = input.examples.holdout
      ? collect
      : `evaluated rows never train, so set training.holdout to keep part of the dataset for training (e.g. holdout: 0.2), or add logs (training.sources); or ${collect}`;
    return {
      decision: 'keep-prompting',
      reasons: [
        ...pains,
        `Fine-tuning would help, but there are only ${cases} examples and ${seeds} seeds: ${advice}.`,
      ],
      confidence: null,
    };
  }
  const data = enoughExamples
    ? `${cases.toLocaleString('en-US')} labelled examples are enough to train on.`
    : `${seeds} seed examples are enough to distil a training set from a teacher model.`;
  const { sentences, projection } = recommendation(input, baseline, economics);
  return {
    decision: 'fine-tune',
    reasons: [...pains, data, ...sentences],
    confidence: null,
    projected_monthly_savings_usd: projection?.monthly_savings_usd ?? null,
    fine_tune_projection: projection,
  };
}
