import { type CaseSource, caseIdsOf } from '../dataset/source.js';
import type { Case } from '../dataset/types.js';
import { daysBetween } from '../decision/lifespan.js';
import { localClassifierOption } from '../decision/local-option.js';
import type { SequentialEvidence } from '../decision/sequential-verdict.js';
import type {
  Decision,
  DecisionInput,
  FineTuneOption,
  FragilityEvidence,
  ReferenceVariant,
  VariantEvidence,
  VariantLifecycle,
} from '../decision/types.js';
import { decide, pickVariants } from '../decision/verdict.js';
import { buildMessages } from '../engine/plan.js';
import type { FineTuneOffer } from '../providers/fine-tune-prices.js';
import { platformOf } from '../providers/platform.js';
import {
  costOfCall,
  priceQueryOf,
  RUNNER_PRICE,
  RUNNER_PRICE_SOURCE,
  resolvePrice,
  trainingPricePer1M,
} from '../providers/pricing.js';
import { countMessageTokens } from '../providers/tokens.js';
import type { TokenUsage } from '../providers/types.js';
import { readCases } from '../report/cases-file.js';
import type { FlippedCase } from '../report/types.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';

/** Whether every request of the variant repeats a prefix (system prompt or few-shot turns). */
export function hasPrefix(variant: VariantSpec): boolean {
  return variant.system !== undefined || variant.examples.length > 0;
}

/**
 * Tokens of what every request of a variant repeats: system prompt and few-shot turns. When the variant
 * has a prefix, loadTokenizer() must have resolved first.
 */
export function prefixTokens(variant: VariantSpec, firstCase: Case | undefined): number {
  if (!firstCase || !hasPrefix(variant)) return 0;
  return countMessageTokens(buildMessages(variant, firstCase).slice(0, -1));
}

/** What the run learnt about the world, passed in: the decision reads no clock and asks no provider. */
export interface DecideFacts {
  /** Shutdown facts by variant name. */
  lifecycle?: Record<string, VariantLifecycle>;
  /** Every known place a base can be fine-tuned. */
  fineTuneOffers?: readonly FineTuneOffer[];
  /** The run's date, YYYY-MM-DD. */
  today?: string;
  /** Measured fragility, when the suite has a `fragility` section and the run measured it. */
  fragility?: FragilityEvidence;
  /** What the looks settled, when the suite ran sequentially. */
  sequential?: SequentialEvidence;
  /** Pairs in the suite's `logs` training sources: training may use them, like the holdout's train part. */
  loggedPairs?: number;
}

/** The platform the suite's training backend trains on, when it names a provider tunegate knows. */
function trainingPlatform(suite: LoadedSuite): string | null {
  const backend = suite.training?.backend;
  // An Azure OpenAI or Fireworks backend names its platform, whatever server its provider points at.
  if (backend?.type === 'azure' || backend?.type === 'fireworks') return backend.type;
  const provider = backend && 'provider' in backend ? suite.providers[backend.provider] : undefined;
  return provider ? platformOf(provider) : null;
}

/**
 * The local classifier as a fine-tune option, for classification suites only (it predicts labels). A
 * suite with only seeds gets it too: `tunegate distill` writes the same chat JSONL, which trains it. Priced
 * like the suite's local models (resolvePrice: the suite's `pricing:` entry of one, else the runner rate).
 */
function localOption(suite: LoadedSuite, usage: TokenUsage): FineTuneOption | null {
  if (suite.task.kind !== 'classification') return null;
  const priced = suite.variants.find((v) => suite.providers[v.provider]?.local === true && suite.pricing[v.model]);
  const { price, source } = priced
    ? resolvePrice(priceQueryOf(suite, priced), suite.pricing)
    : { price: RUNNER_PRICE, source: RUNNER_PRICE_SOURCE };
  return localClassifierOption(
    price ?? RUNNER_PRICE,
    source ?? RUNNER_PRICE_SOURCE,
    usage,
    suite.training?.backend?.type === 'local',
  );
}

/** Looks up the prices the pure decision needs, then decides. */
export function decideSuite(
  suite: LoadedSuite,
  { cases, trainable, caseIds }: { cases: CaseSource; trainable: CaseSource; caseIds?: () => readonly string[] },
  variants: VariantEvidence[],
  reference: Record<string, ReferenceVariant> | undefined,
  facts: DecideFacts = {},
): Decision {
  const policy = suite.decision;
  const { baseline, candidate } = pickVariants(variants, policy);
  // A fine-tuned model needs no instructions or examples: it is sent the baseline's requests minus that prefix.
  const successes = baseline.metrics.n - baseline.metrics.errors;
  const fineTuneUsage = {
    prompt: Math.max(0, Math.round(baseline.metrics.tokens.prompt_per_request - baseline.prefix_tokens)),
    completion: successes > 0 ? Math.round(baseline.metrics.tokens.completion / successes) : 0,
    cached: 0,
  };
  // Only the suite's own price: a model a known platform fine-tunes is priced by its offer instead.
  const target = policy.fine_tune_model;
  const fineTunePerRequest =
    target === undefined ? null : costOfCall(suite.pricing[target] ?? null, fineTuneUsage, null);
  const { today } = facts;
  const configuredPlatform = trainingPlatform(suite);
  const fineTuneOptions: FineTuneOption[] = (facts.fineTuneOffers ?? []).map((offer) => ({
    platform: offer.platform,
    base: offer.base,
    training_per_1m_usd: offer.training_per_1m_usd,
    per_request_usd: costOfCall(offer.inference, fineTuneUsage, null),
    trainable_until: offer.trainable_until,
    shutdown_date: offer.shutdown_date,
    days_left: today !== undefined && offer.shutdown_date !== null ? daysBetween(today, offer.shutdown_date) : null,
    configured: offer.platform === configuredPlatform,
    source: offer.source,
  }));
  const local = localOption(suite, fineTuneUsage);
  if (local !== null) fineTuneOptions.push(local);
  const baselineSpec = suite.variants.find((v) => v.name === baseline.name);
  const candidateSpec = suite.variants.find((v) => v.name === candidate?.name);
  // An existing candidate's (re)training is priced for its own base on its own platform.
  const trained = candidateSpec ? priceQueryOf(suite, candidateSpec) : null;
  // A local candidate's (re)training is runner time, measured for all its epochs at once.
  const localTraining = trained?.local === true ? local : null;
  const input: DecisionInput = {
    suite: suite.name,
    policy,
    thresholds: suite.thresholds,
    variants,
    // Read only by a paired comparison (for its flipped cases): a one-variant suite never lists a million ids.
    get case_ids() {
      return caseIds ? caseIds() : caseIdsOf(cases);
    },
    // Readiness counts the rows training may use (train part, logged pairs), never the evaluated ones.
    examples: {
      cases: trainable.length + (facts.loggedPairs ?? 0),
      seeds: policy.seed_examples ?? baselineSpec?.examples.length ?? 0,
      holdout: suite.training?.holdout !== undefined,
    },
    prices: {
      training_per_1m_usd: localTraining
        ? localTraining.training_per_1m_usd
        : trained
          ? trainingPricePer1M(trained.base_model ?? trained.model, trained.platform)
          : null,
      fine_tune_per_request_usd: fineTunePerRequest,
      ...(localTraining?.training_epochs ? { training_epochs: localTraining.training_epochs } : {}),
    },
    ...(reference ? { reference } : {}),
    ...(facts.lifecycle ? { lifecycle: facts.lifecycle } : {}),
    fine_tune_options: fineTuneOptions,
    ...(today !== undefined ? { today } : {}),
    ...(facts.fragility ? { fragility: facts.fragility } : {}),
    ...(facts.sequential ? { sequential: facts.sequential } : {}),
  };
  return decide(input);
}

/** Key of one comparison's flipped cases: suite and candidate variant. */
export function flippedKey(suite: string, candidate: string): string {
  return `${suite}\u0000${candidate}`;
}

/**
 * Reads the flipped cases' inputs and outputs back from cases.jsonl, so the run never has to hold
 * every output in memory to show a few dozen of them.
 */
export async function readFlippedCases(
  casesPath: string,
  wanted: { suite: string; baseline: string; candidate: string; right_to_wrong: string[]; wrong_to_right: string[] }[],
): Promise<Map<string, { right_to_wrong: FlippedCase[]; wrong_to_right: FlippedCase[] }>> {
  const byCase = new Map<string, FlippedCase>();
  const roleOf = new Map<string, { suite: string; baseline: string; candidate: string }>();
  for (const w of wanted) {
    for (const id of [...w.right_to_wrong, ...w.wrong_to_right]) {
      byCase.set(`${flippedKey(w.suite, w.candidate)}\u0000${id}`, {
        case_id: id,
        input: '',
        expected: null,
        baseline_output: null,
        candidate_output: null,
      });
    }
    roleOf.set(flippedKey(w.suite, w.baseline), w);
    roleOf.set(flippedKey(w.suite, w.candidate), w);
  }
  if (byCase.size > 0) {
    await readCases(casesPath, (record) => {
      const pair = roleOf.get(flippedKey(record.suite, record.variant));
      if (!pair) return;
      const flipped = byCase.get(`${flippedKey(pair.suite, pair.candidate)}\u0000${record.case_id}`);
      if (!flipped) return;
      flipped.input = record.input;
      flipped.expected = record.expected;
      const output = record.output ?? `(error: ${record.error ?? 'unknown'})`;
      if (record.variant === pair.baseline) flipped.baseline_output = output;
      else flipped.candidate_output = output;
    });
  }
  const result = new Map<string, { right_to_wrong: FlippedCase[]; wrong_to_right: FlippedCase[] }>();
  for (const w of wanted) {
    const pick = (ids: string[]) =>
      ids
        .map((id) => byCase.get(`${flippedKey(w.suite, w.candidate)}\u0000${id}`))
        .filter((c): c is FlippedCase => c !== undefined);
    result.set(flippedKey(w.suite, w.candidate), {
      right_to_wrong: pick(w.right_to_wrong),
      wrong_to_right: pick(w.wrong_to_right),
    });
  }
  return result;
}
