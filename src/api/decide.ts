import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Case } from '../dataset/types.js';
import type { Decision, DecisionInput, ReferenceVariant, VariantEvidence } from '../decision/types.js';
import { decide, pickVariants } from '../decision/verdict.js';
import { buildMessages } from '../engine/plan.js';
import { baseModelOf } from '../providers/platform.js';
import { costOfCall, type PriceQuery, priceQueryOf, resolvePrice, trainingPricePer1M } from '../providers/pricing.js';
import { countMessageTokens } from '../providers/tokens.js';
import type { FlippedCase } from '../report/types.js';
import type { ScoredRecord } from '../scoring/types.js';
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

/** Looks up the prices the pure decision needs, then decides. */
export function decideSuite(
  suite: LoadedSuite,
  cases: Case[],
  variants: VariantEvidence[],
  reference: Record<string, ReferenceVariant> | undefined,
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
  const baselineSpec = suite.variants.find((v) => v.name === baseline.name);
  const candidateSpec = suite.variants.find((v) => v.name === candidate?.name);
  // The fine-tune to project is served where the baseline is.
  const fineTuneQuery: PriceQuery = {
    ...(baselineSpec ? priceQueryOf(suite, baselineSpec) : { platform: null }),
    model: policy.fine_tune_model,
    base_model: baseModelOf({ model: policy.fine_tune_model }),
  };
  const fineTunePerRequest = costOfCall(resolvePrice(fineTuneQuery, suite.pricing).price, fineTuneUsage, null);
  const trained = candidateSpec ? priceQueryOf(suite, candidateSpec) : fineTuneQuery;
  const input: DecisionInput = {
    suite: suite.name,
    policy,
    thresholds: suite.thresholds,
    variants,
    case_ids: cases.map((c) => c.id),
    examples: { cases: cases.length, seeds: policy.seed_examples ?? baselineSpec?.examples.length ?? 0 },
    prices: {
      training_per_1m_usd: trainingPricePer1M(trained.base_model ?? trained.model, trained.platform),
      fine_tune_per_request_usd: fineTunePerRequest,
    },
    ...(reference ? { reference } : {}),
  };
  return decide(input);
}

/** Key of one comparison's flipped cases: suite and candidate variant. */
export function flippedKey(suite: string, candidate: string): string {
  return `${suite}\u0000${candidate}`;
}

type CaseLine = Pick<ScoredRecord, 'suite' | 'variant' | 'case_id' | 'input' | 'expected' | 'output' | 'error'>;

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
    const lines = createInterface({ input: createReadStream(casesPath), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (!line) continue;
      const record = JSON.parse(line) as CaseLine;
      const pair = roleOf.get(flippedKey(record.suite, record.variant));
      if (!pair) continue;
      const flipped = byCase.get(`${flippedKey(pair.suite, pair.candidate)}\u0000${record.case_id}`);
      if (!flipped) continue;
      flipped.input = record.input;
      flipped.expected = record.expected;
      const output = record.output ?? `(error: ${record.error ?? 'unknown'})`;
      if (record.variant === pair.baseline) flipped.baseline_output = output;
      else flipped.candidate_output = output;
    }
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
