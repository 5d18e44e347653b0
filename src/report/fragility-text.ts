/**
 * The figures of the fragility section, formatted once for every report (console, Markdown, comment):
 * each renderer only lays them out and escapes the names in its own way.
 */
import { type MeasuredFamily, PERTURBATION_FAMILIES, REPEAT_FAMILY } from '../suite/fragility-families.js';
import { percent, usd } from './format.js';
import type { RunResults, SuiteResult, VariantFragility } from './types.js';

export interface MeasuredVariant {
  name: string;
  fragility: VariantFragility;
}

/** The suite's variants whose fragility was measured, in the suite's order (empty: no fragility section). */
export function measuredVariants(suite: SuiteResult): MeasuredVariant[] {
  return Object.entries(suite.variants).flatMap(([name, variant]) =>
    variant.fragility ? [{ name, fragility: variant.fragility }] : [],
  );
}

/**
 * The intervals' confidence: the suite's decision.confidence, as its comparisons state it — or, when sequential
 * looks replaced theirs by the stopping look's adjusted level, as its one-sided α says (confidence = 1 − 2α).
 */
export function intervalLabel(suite: SuiteResult): string {
  const confidence = suite.sequential ? 1 - 2 * suite.sequential.alpha : Object.values(suite.comparison)[0]?.confidence;
  return confidence === undefined ? 'CI' : `${percent(confidence, 0)} CI`;
}

export const FRAGILITY_HEADERS = (suite: SuiteResult) => [
  'variant',
  `flip rate [${intervalLabel(suite)}]`,
  'consistency',
  'accuracy → perturbed',
  'worst family',
  'cases / calls',
  'cost',
];

/** One variant's row of the fragility table, every cell but the name (which each report escapes its way). */
export function fragilityCells(stats: VariantFragility): string[] {
  const [low, high] = stats.flip_rate_ci;
  const worst = stats.worst_family;
  const errors = stats.n_errors > 0 ? ` (${stats.n_errors} errors)` : '';
  return [
    `${percent(stats.flip_rate)} [${percent(low)}, ${percent(high)}]`,
    percent(stats.consistency),
    `${percent(stats.accuracy_unperturbed)} → ${percent(stats.accuracy_perturbed)}`,
    worst ? `${worst.name} ${percent(worst.accuracy)}` : '–',
    `${stats.n_cases.toLocaleString('en-US')} / ${stats.n_calls.toLocaleString('en-US')}${errors}`,
    usd(stats.cost_usd),
  ];
}

const FAMILY_ORDER: readonly MeasuredFamily[] = [...PERTURBATION_FAMILIES, REPEAT_FAMILY];

/** The families any of the variants was measured on, in the canonical order (repeat last). */
export function measuredFamilies(variants: readonly MeasuredVariant[]): MeasuredFamily[] {
  return FAMILY_ORDER.filter((family) =>
    variants.some(({ fragility }) => (fragility.by_perturbation[family]?.n ?? 0) > 0),
  );
}

/** A variant's flip rate on one family; null when it was not measured on it. */
export function familyFlipRate(variant: MeasuredVariant, family: MeasuredFamily): number | null {
  const stats = variant.fragility.by_perturbation[family];
  return stats && stats.n > 0 ? stats.flip_rate : null;
}

/** A difference in percentage points without its sign word: "−13.1". */
function signedPoints(value: number): string {
  const text = (Math.abs(value) * 100).toFixed(1);
  return Number(text) === 0 ? '0.0' : `${value < 0 ? '−' : '+'}${text}`;
}

/**
 * Each comparison's paired flip rates in a sentence: "finetuned flips 10.3 points less than prompted
 * [−13.1, −7.6] on 100 paired cases". `name` escapes a variant name for the report at hand.
 */
export function fragilityComparisonLines(suite: SuiteResult, name: (variant: string) => string): string[] {
  return Object.values(suite.comparison).flatMap((comparison) => {
    const paired = comparison.fragility;
    if (!paired) return [];
    const cases = `${paired.n_cases.toLocaleString('en-US')} paired ${paired.n_cases === 1 ? 'case' : 'cases'}`;
    if (paired.n_cases === 0) {
      return [`${name(comparison.candidate)} and ${name(comparison.baseline)}: no case measured on both`];
    }
    const size = (Math.abs(paired.difference) * 100).toFixed(1);
    const direction =
      Number(size) === 0
        ? `flips as often as ${name(comparison.baseline)}`
        : `flips ${size} points ${paired.difference < 0 ? 'less' : 'more'} than ${name(comparison.baseline)}`;
    const [low, high] = paired.difference_ci;
    const rates = `${percent(paired.candidate_flip_rate)} vs ${percent(paired.baseline_flip_rate)}`;
    return [
      `${name(comparison.candidate)} ${direction} [${signedPoints(low)}, ${signedPoints(high)}] on ${cases} (${rates})`,
    ];
  });
}

/** The fragility measurement's share of the money spent, when it cost anything: " (fragility $0.52)". */
export function fragilitySpent(results: RunResults): string {
  const spent = results.summary.cost_usd?.fragility ?? 0;
  return spent > 0 ? ` (fragility ${usd(spent)})` : '';
}
