import { countBits, decodeBits } from './bitset.js';
import type { ParsedHistory } from './text.js';
import type { DriftStatus, HistoryRun, HistoryVariant } from './types.js';

/** What a new run of a suite is measured against. */
export interface SuiteReference {
  /** The suite's latest accepted run; null when it has none (the next complete run becomes it). */
  against: HistoryRun | null;
  /** Each variant's latest accepted run that measured it (usually `against`). */
  variants: Map<string, { run: HistoryRun; variant: HistoryVariant }>;
  /**
   * Drift status of the suite's latest measured run (a promotion record is no measurement of drift);
   * `none` when that run was accepted: its drift was against an older reference, now replaced.
   */
  previous: DriftStatus | null;
}

/** The reference of every suite in the history, found in one pass from the newest run back. */
export function suiteReferences(history: ParsedHistory): Map<string, SuiteReference> {
  const bySuite = new Map<string, SuiteReference>();
  for (let i = history.runs.length - 1; i >= 0; i--) {
    const run = history.runs[i] as HistoryRun;
    let reference = bySuite.get(run.suite);
    if (!reference) {
      reference = { against: null, variants: new Map(), previous: null };
      bySuite.set(run.suite, reference);
    }
    if (reference.previous === null && run.accepted_reason !== 'promotion') {
      reference.previous = run.accepted ? 'none' : run.drift;
    }
    if (!run.accepted) continue;
    reference.against ??= run;
    for (const [name, variant] of Object.entries(run.variants)) {
      if (!reference.variants.has(name)) reference.variants.set(name, { run, variant });
    }
  }
  return bySuite;
}

/** A stored variant's per-case flags over its run's sorted ids; null when the ids or bits are unreadable. */
export function storedOutcomes(
  history: ParsedHistory,
  run: HistoryRun,
  variant: HistoryVariant,
): { ids: readonly string[]; correct: Uint8Array; answered: Uint8Array } | null {
  const ids = history.ids.get(run.ids_hash);
  if (!ids) return null;
  const correct = decodeBits(variant.correct, ids.length);
  const answered = decodeBits(variant.answered, ids.length);
  return correct && answered ? { ids, correct, answered } : null;
}

/** Correct and answered counts of a stored variant, for the `retrain` check. */
export function storedCounts(variant: HistoryVariant): { correct: number; answered: number } {
  return { correct: countBits(variant.correct), answered: countBits(variant.answered) };
}
