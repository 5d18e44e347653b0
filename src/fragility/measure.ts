/**
 * Fragility of one variant from its perturbed calls: how often its answer moves away from its own
 * unperturbed answer (flip rate; consistency is its complement), by family and overall, and how
 * accurate it stays. Every interval is clustered by case (see cluster-intervals.ts). The overall
 * figures pool the perturbation families; `repeat` (the same input sampled again) is reported in
 * by_perturbation only, since it measures sampling noise, not sensitivity to wording.
 */
import { zForConfidence } from '../scoring/intervals.js';
import { type MeasuredFamily, PERTURBATION_FAMILIES, type PerturbationFamily } from '../suite/fragility-families.js';
import { type ClusterCounts, clusteredWilson } from './cluster-intervals.js';

/** One perturbed call; answers already normalised by the scorer. */
export interface FragilityObservation {
  caseId: string;
  family: MeasuredFamily;
  answer: string;
  correct: boolean;
  /** The variant's own unperturbed answer to the case, and whether it was right. */
  baseAnswer: string;
  baseCorrect: boolean;
  /** A failed call: excluded from every rate, counted in n_errors. */
  error?: boolean;
}

export interface FragilityOptions {
  confidence: number;
  /** Seed and resamples of the case-level bootstrap (compareFragility). */
  seed: number;
  resamples?: number;
}

export type Interval = [number, number];

export interface FamilyFragility {
  n: number;
  n_cases: number;
  flip_rate: number;
  flip_rate_ci: Interval;
  accuracy: number;
}

export interface FragilityStats {
  n_cases: number;
  n_calls: number;
  n_errors: number;
  consistency: number;
  consistency_ci: Interval;
  flip_rate: number;
  flip_rate_ci: Interval;
  accuracy_unperturbed: number;
  accuracy_perturbed: number;
  accuracy_perturbed_ci: Interval;
  worst_family: { name: PerturbationFamily; accuracy: number } | null;
  by_perturbation: Partial<Record<MeasuredFamily, FamilyFragility>>;
}

/** Per-case tallies of one family (or of all perturbation families pooled). */
export interface CaseTallies {
  calls: Float64Array;
  flips: Float64Array;
  correct: Float64Array;
}

export interface CaseTable {
  caseIds: string[];
  baseCorrect: Uint8Array;
  families: Map<MeasuredFamily, CaseTallies>;
  /** The perturbation families pooled (repeat excluded). */
  pooled: CaseTallies;
  errors: number;
}

const isPerturbation = (family: MeasuredFamily): family is PerturbationFamily =>
  (PERTURBATION_FAMILIES as readonly string[]).includes(family);

function emptyTallies(cases: number): CaseTallies {
  return { calls: new Float64Array(cases), flips: new Float64Array(cases), correct: new Float64Array(cases) };
}

/** Tallies the non-error observations by case (in first-seen order) and family. */
export function tabulate(observations: readonly FragilityObservation[]): CaseTable {
  const index = new Map<string, number>();
  let errors = 0;
  for (const observation of observations) {
    if (observation.error) errors++;
    else if (!index.has(observation.caseId)) index.set(observation.caseId, index.size);
  }
  const cases = index.size;
  const table: CaseTable = {
    caseIds: [...index.keys()],
    baseCorrect: new Uint8Array(cases),
    families: new Map(),
    pooled: emptyTallies(cases),
    errors,
  };
  for (const observation of observations) {
    if (observation.error) continue;
    const at = index.get(observation.caseId) as number;
    table.baseCorrect[at] = observation.baseCorrect ? 1 : 0;
    const tallies = table.families.get(observation.family) ?? emptyTallies(cases);
    table.families.set(observation.family, tallies);
    const targets = isPerturbation(observation.family) ? [tallies, table.pooled] : [tallies];
    for (const target of targets) {
      target.calls[at] = (target.calls[at] as number) + 1;
      if (observation.answer !== observation.baseAnswer) target.flips[at] = (target.flips[at] as number) + 1;
      if (observation.correct) target.correct[at] = (target.correct[at] as number) + 1;
    }
  }
  return table;
}

export function total(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}

const share = (hits: number, calls: number) => (calls === 0 ? 0 : hits / calls);
const counts = (hits: Float64Array, calls: Float64Array): ClusterCounts => ({ hits, calls });

function familyFragility(tallies: CaseTallies, z: number): FamilyFragility {
  const n = total(tallies.calls);
  return {
    n,
    n_cases: tallies.calls.reduce((cases, calls) => cases + (calls > 0 ? 1 : 0), 0),
    flip_rate: share(total(tallies.flips), n),
    flip_rate_ci: clusteredWilson(counts(tallies.flips, tallies.calls), z),
    accuracy: share(total(tallies.correct), n),
  };
}

/** A variant's fragility from its perturbed calls. */
export function measureFragility(
  observations: readonly FragilityObservation[],
  options: FragilityOptions,
): FragilityStats {
  const z = zForConfidence(options.confidence);
  const table = tabulate(observations);
  const by_perturbation: FragilityStats['by_perturbation'] = {};
  for (const [family, tallies] of table.families) by_perturbation[family] = familyFragility(tallies, z);
  const pooled = familyFragility(table.pooled, z);
  let worst: FragilityStats['worst_family'] = null;
  for (const family of PERTURBATION_FAMILIES) {
    const stats = by_perturbation[family];
    if (stats && stats.n > 0 && (worst === null || stats.accuracy < worst.accuracy)) {
      worst = { name: family, accuracy: stats.accuracy };
    }
  }
  const [flipLow, flipHigh] = pooled.flip_rate_ci;
  return {
    n_cases: table.caseIds.length,
    n_calls: observations.length - table.errors,
    n_errors: table.errors,
    consistency: 1 - pooled.flip_rate,
    consistency_ci: [1 - flipHigh, 1 - flipLow],
    flip_rate: pooled.flip_rate,
    flip_rate_ci: pooled.flip_rate_ci,
    accuracy_unperturbed: share(
      table.baseCorrect.reduce((sum, right) => sum + right, 0),
      table.caseIds.length,
    ),
    accuracy_perturbed: pooled.accuracy,
    accuracy_perturbed_ci: clusteredWilson(counts(table.pooled.correct, table.pooled.calls), z),
    worst_family: worst,
    by_perturbation,
  };
}
