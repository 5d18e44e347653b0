import { caseIdsOf, firstCase } from '../dataset/source.js';
import type { SequentialEvidence } from '../decision/sequential-verdict.js';
import type { ReferenceVariant, VariantEvidence } from '../decision/types.js';
import { pickVariants } from '../decision/verdict.js';
import { fineTuneOffers } from '../providers/fine-tune-prices.js';
import { describePrice, priceQueryOf, resolvePrice } from '../providers/pricing.js';
import { loadTokenizer } from '../providers/tokens.js';
import type { SuiteResult } from '../report/types.js';
import { createMetricsAccumulator } from '../scoring/metrics.js';
import { isErrorRecord } from '../scoring/record.js';
import { evaluateThresholds, shutdownThreshold } from '../scoring/thresholds.js';
import type { ScoredRecord } from '../scoring/types.js';
import type { LoadedSuite } from '../suite/types.js';
import { countLoggedPairs } from '../training/collect.js';
import { type DecideFacts, decideSuite, flippedKey, hasPrefix, prefixTokens, readFlippedCases } from './decide.js';
import type { MeasuredFragility } from './fragility-run.js';
import type { MeasuredSuite } from './history.js';
import type { ModelLifecycle } from './lifecycle.js';
import type { SuiteWithCases } from './validate.js';

/**
 * Scored records → a suite's results: the part of a run after the calls. `evaluate` feeds it as the
 * answers arrive; `merge` feeds it the shards' cases.jsonl. Both therefore decide from the same code.
 */

interface VariantTally {
  metrics: ReturnType<typeof createMetricsAccumulator>;
  /** 1 where the case was answered correctly, by case index. */
  outcomes: Uint8Array;
  /** 1 where the case was answered at all: the paired statistics pair only cases both variants answered. */
  answered: Uint8Array;
  /** Any of its answers came from the simulator (a local model's never do). */
  simulated: boolean;
}

export interface SuiteTally {
  input: SuiteWithCases;
  variants: Map<string, VariantTally>;
  simulated: boolean;
  /** Each variant's model shutdown, by variant name, when the run looked them up. */
  lifecycle?: Record<string, ModelLifecycle>;
}

export function openTally(input: SuiteWithCases): SuiteTally {
  const variants = new Map<string, VariantTally>();
  for (const v of input.suite.variants) {
    variants.set(v.name, {
      metrics: createMetricsAccumulator(input.suite.task),
      outcomes: new Uint8Array(input.cases.length),
      answered: new Uint8Array(input.cases.length),
      simulated: false,
    });
  }
  return { input, variants, simulated: false };
}

/** Counts one scored record of the case at `index` (in the suite's case list); false for an unknown variant. */
export function tallyRecord(tally: SuiteTally, index: number, scored: ScoredRecord): boolean {
  const variant = tally.variants.get(scored.variant);
  if (!variant) return false;
  if (scored.simulated) {
    tally.simulated = true;
    variant.simulated = true;
  }
  variant.metrics.add(scored);
  if (!isErrorRecord(scored)) variant.answered[index] = 1;
  if (scored.correct) variant.outcomes[index] = 1;
  return true;
}

/**
 * Prefix sizes matter only to a `fine-tune` verdict, which needs a suite without a fine-tuned
 * candidate: other runs never load the tokenizer (tens of MB).
 */
function needsPrefixTokens({ suite }: SuiteWithCases): boolean {
  return pickVariants(suite.variants, suite.decision).candidate === null && suite.variants.some(hasPrefix);
}

function variantEvidence(tally: SuiteTally): VariantEvidence[] {
  const { suite, cases } = tally.input;
  const countPrefix = needsPrefixTokens(tally.input);
  return suite.variants.map((variant) => {
    const measured = tally.variants.get(variant.name) as VariantTally;
    const metrics = measured.metrics.finish();
    const lifecycle = tally.lifecycle?.[variant.name];
    const thresholds = [
      ...evaluateThresholds(suite.thresholds, metrics),
      ...(lifecycle ? shutdownThreshold(suite.thresholds, lifecycle.days_left) : []),
    ];
    return {
      name: variant.name,
      role: variant.role,
      model: variant.model,
      metrics,
      thresholds,
      passed: thresholds.every((t) => t.pass),
      outcomes: measured.outcomes,
      answered: measured.answered,
      prefix_tokens: countPrefix ? prefixTokens(variant, firstCase(cases)) : 0,
    };
  });
}

function suiteResult(
  tally: SuiteTally,
  evidence: VariantEvidence[],
  reference: Record<string, ReferenceVariant> | undefined,
  facts: DecideFacts,
  measuredFragility: MeasuredFragility,
  caseIds: () => readonly string[],
): SuiteResult {
  const { suite, cases } = tally.input;
  const decision = decideSuite(suite, { ...tally.input, caseIds }, evidence, reference, {
    ...facts,
    ...(measuredFragility ? { fragility: measuredFragility.evidence } : {}),
  });
  const variants: SuiteResult['variants'] = {};
  for (const v of evidence) {
    const spec = suite.variants.find((s) => s.name === v.name);
    const query = spec ? priceQueryOf(suite, spec) : { model: v.model, platform: null, base_model: null };
    const { price, source } = resolvePrice(query, suite.pricing);
    const lifecycle = tally.lifecycle?.[v.name];
    variants[v.name] = {
      role: v.role,
      provider: spec?.provider ?? '',
      model: v.model,
      price: describePrice(price),
      price_source: source,
      metrics: v.metrics,
      thresholds: v.thresholds,
      passed: v.passed,
      simulated: tally.variants.get(v.name)?.simulated ?? false,
      ...(lifecycle ? { lifecycle: { ...lifecycle } } : {}),
      ...(measuredFragility?.variants[v.name] ? { fragility: measuredFragility.variants[v.name] } : {}),
    };
  }
  return {
    name: suite.name,
    file: suite.file,
    ...(suite.description ? { description: suite.description } : {}),
    task: suite.task.kind,
    simulated: tally.simulated,
    dataset: { path: suite.dataset.path ?? null, cases: cases.length, sampled: suite.dataset.sample !== undefined },
    variants,
    comparison: decision.comparisons,
    economics: decision.economics,
    verdict: decision.verdict,
    flipped_cases: {},
    ...(measuredFragility ? { fragile_cases: measuredFragility.fragileCases } : {}),
    passed: evidence.every((v) => v.passed) && !decision.verdict.fails,
  };
}

/** Fills each comparison's flipped cases with their inputs and both answers, read back from cases.jsonl. */
async function attachFlippedCases(casesPath: string, suites: SuiteResult[]): Promise<void> {
  const wanted = suites.flatMap((suite) =>
    Object.values(suite.comparison).map((c) => ({ suite: suite.name, ...c, ...c.flipped })),
  );
  const found = await readFlippedCases(casesPath, wanted);
  for (const suite of suites) {
    for (const name of Object.keys(suite.comparison)) {
      const flipped = found.get(flippedKey(suite.name, name));
      if (flipped) suite.flipped_cases[name] = flipped;
    }
  }
}

export interface MeasureOptions {
  /** The cases.jsonl holding every tallied record (its flipped cases are read back from it). */
  casesPath: string;
  /** The accepted measurements a suite is checked against for `retrain`, by suite name. */
  referenceOf: (suite: string) => Record<string, ReferenceVariant> | undefined;
  /** The run's date, YYYY-MM-DD: the verdict reads no clock itself. */
  today: string;
  /** The suite's measured fragility against the baseline, when the run measured it. */
  fragilityOf?: (suite: LoadedSuite, baseline: string) => MeasuredFragility;
  /** What the looks settled, for a suite that ran sequentially. */
  sequentialOf?: (suite: string) => SequentialEvidence | undefined;
}

/** Decides every tallied suite: metrics, thresholds, paired comparisons, economics, verdict, flipped cases. */
export async function measureSuites(tallies: readonly SuiteTally[], options: MeasureOptions): Promise<MeasuredSuite[]> {
  if (tallies.some((tally) => needsPrefixTokens(tally.input))) await loadTokenizer();
  const logged = await Promise.all(tallies.map((tally) => countLoggedPairs(tally.input.suite.training?.sources)));
  const measured = tallies.map((tally, index): MeasuredSuite => {
    const evidence = variantEvidence(tally);
    const { suite, cases } = tally.input;
    const facts: DecideFacts = {
      fineTuneOffers: fineTuneOffers(),
      today: options.today,
      loggedPairs: logged[index] ?? 0,
      ...(tally.lifecycle ? { lifecycle: tally.lifecycle } : {}),
    };
    const sequential = options.sequentialOf?.(suite.name);
    if (sequential) facts.sequential = sequential;
    const fragility = options.fragilityOf?.(suite, pickVariants(evidence, suite.decision).baseline.name) ?? null;
    // Listed once, on first use (a comparison's flipped cases, the history), never for a run that needs neither.
    let ids: readonly string[] | undefined;
    const caseIds = () => {
      ids ??= caseIdsOf(cases);
      return ids;
    };
    return {
      suite,
      get caseIds() {
        return caseIds();
      },
      evidence,
      result: suiteResult(tally, evidence, options.referenceOf(suite.name), facts, fragility, caseIds),
    };
  });
  await attachFlippedCases(
    options.casesPath,
    measured.map((m) => m.result),
  );
  return measured;
}
