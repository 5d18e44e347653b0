import { computeDrift, type DriftMeasure, type DriftRunRef, type SuiteDriftInput } from '../decision/drift.js';
import type { ReferenceVariant, VariantEvidence } from '../decision/types.js';
import { historyVariant, type SortedCaseList, type SortedOutcomes, sortCaseList, sortFlags } from '../history/entry.js';
import { type SuiteReference, storedCounts, storedOutcomes, suiteReferences } from '../history/select.js';
import { appendHistoryFile, readHistoryFile } from '../history/store.js';
import type { HistoryEntry, ParsedHistory } from '../history/text.js';
import {
  type CacheMode,
  DEFAULT_HISTORY_KEEP,
  HISTORY_VERSION,
  type HistoryRun,
  type HistoryVariant,
} from '../history/types.js';
import type { HistorySummary, SuiteResult } from '../report/types.js';
import type { LoadedSuite } from '../suite/types.js';

export { DEFAULT_HISTORY_KEEP };

/** Where and how a run is remembered: the CLI and the Action pass the same option. */
export interface HistoryOptions {
  /** The JSONL history file; created (with its folder) when absent. */
  path: string;
  /** Make this run the accepted reference of its suites (`--accept`). */
  accept?: boolean;
  /** Runs kept per suite (default 365); older ones are pruned, never the accepted reference. */
  keep?: number;
  /** `cli` (default) or the GitHub event that started the run. */
  event?: string;
  commit?: string | null;
  runUrl?: string | null;
}

/** One suite as the run measured and decided it. */
export interface MeasuredSuite {
  suite: LoadedSuite;
  /** Case ids by case index. */
  caseIds: readonly string[];
  evidence: VariantEvidence[];
  result: SuiteResult;
}

export interface RunFacts {
  run_id: string;
  /** When the run finished (ISO 8601). */
  date: string;
  cache_mode: CacheMode;
  /** Every call was made (not interrupted, budget not exhausted): only a complete run may become a reference. */
  complete: boolean;
}

/** One history line of a suite: the run's facts, where it ran, and what it measured. */
export function historyRun(
  options: HistoryOptions,
  facts: Omit<RunFacts, 'complete'>,
  measured: Pick<HistoryRun, 'suite' | 'simulated' | 'verdict' | 'drift' | 'ids_hash' | 'variants'> & {
    accepted_reason: HistoryRun['accepted_reason'];
  },
): HistoryRun {
  const { accepted_reason, suite, ...rest } = measured;
  return {
    kind: 'run',
    version: HISTORY_VERSION,
    suite,
    run_id: facts.run_id,
    date: facts.date,
    commit: options.commit ?? null,
    event: options.event ?? 'cli',
    run_url: options.runUrl ?? null,
    cache_mode: facts.cache_mode,
    ...rest,
    accepted: accepted_reason !== undefined,
    ...(accepted_reason ? { accepted_reason } : {}),
  };
}

function runRef(run: HistoryRun): DriftRunRef {
  return { run_id: run.run_id, date: run.date, commit: run.commit };
}

function storedMeasure(history: ParsedHistory, run: HistoryRun, variant: HistoryVariant, now: SortedCaseList) {
  const outcomes = storedOutcomes(history, run, variant);
  // The same case list pairs index by index: hand drift the same array for both runs.
  if (outcomes && run.ids_hash === now.hash) outcomes.ids = now.ids;
  return {
    model: variant.model,
    accuracy: variant.accuracy,
    latency_p95_ms: variant.latency_p95_ms,
    cost_per_1k_usd: variant.cost_per_1k_usd,
    outcomes,
    run: runRef(run),
  };
}

function measuredNow(evidence: VariantEvidence, sorted: SortedOutcomes): DriftMeasure {
  const { metrics } = evidence;
  return {
    model: evidence.model,
    accuracy: metrics.n - metrics.errors > 0 ? metrics.accuracy : null,
    latency_p95_ms: metrics.latency_ms?.p95 ?? null,
    cost_per_1k_usd: metrics.cost_usd.per_1k,
    outcomes: sorted,
  };
}

/** The suite's sorted case list and each variant's outcomes over it. */
function sortedSuite(measured: MeasuredSuite): { list: SortedCaseList; variants: Map<string, SortedOutcomes> } {
  const list = sortCaseList(measured.caseIds);
  const variants = new Map<string, SortedOutcomes>();
  for (const evidence of measured.evidence) {
    const outcomes = {
      ids: list.ids,
      correct: sortFlags(evidence.outcomes, list),
      answered: sortFlags(evidence.answered, list),
    };
    variants.set(evidence.name, outcomes);
  }
  return { list, variants };
}

/**
 * The history of a run: read before it (for the `retrain` reference), then asked for drift and the
 * lines to append once every suite is measured, then written.
 */
export async function openHistory(options: HistoryOptions) {
  const parsed = await readHistoryFile(options.path);
  const references = suiteReferences(parsed);
  const keep = options.keep ?? DEFAULT_HISTORY_KEEP;
  const accepted: string[] = [];
  const referenceOf = (suite: string): SuiteReference =>
    references.get(suite) ?? { against: null, variants: new Map(), previous: null };

  return {
    parsed,

    /** The accepted measurements of a suite's variants, for the `retrain` check (like --reference). */
    retrainReference(suite: string): Record<string, ReferenceVariant> | undefined {
      const found = referenceOf(suite).variants;
      if (found.size === 0) return undefined;
      const reference: Record<string, ReferenceVariant> = {};
      for (const [name, { variant }] of found) {
        const { correct, answered } = storedCounts(variant);
        reference[name] = { model: variant.model, correct, n: answered, passed: variant.passed ?? true };
      }
      return reference;
    },

    /**
     * Sets each suite's `drift` (and its `passed` when `decision.fail_on` lists drift), and returns
     * the lines that record the run.
     */
    measure(suites: readonly MeasuredSuite[], facts: RunFacts): HistoryEntry[] {
      const sorted = suites.map(sortedSuite);
      const inputs: SuiteDriftInput[] = suites.map((measured, index) => {
        const reference = referenceOf(measured.suite.name);
        const variants: SuiteDriftInput['variants'] = {};
        const { list, variants: outcomes } = sorted[index] as ReturnType<typeof sortedSuite>;
        for (const evidence of measured.evidence) {
          const stored = reference.variants.get(evidence.name);
          variants[evidence.name] = {
            current: measuredNow(evidence, outcomes.get(evidence.name) as SortedOutcomes),
            reference: stored ? storedMeasure(parsed, stored.run, stored.variant, list) : null,
          };
        }
        return {
          suite: measured.suite.name,
          policy: measured.suite.decision,
          against: reference.against ? runRef(reference.against) : null,
          previous: reference.previous,
          variants,
        };
      });
      const drifts = computeDrift(inputs);
      return suites.map((measured, index) => {
        const drift = drifts[index] as NonNullable<SuiteResult['drift']>;
        const { result, suite } = measured;
        const accept = facts.complete && (options.accept === true || drift.status === 'no-history');
        // A run accepted by hand is the new normal: its drift from the old reference is shown, not failed.
        drift.fails = drift.status === 'drift' && suite.decision.fail_on.includes('drift') && !options.accept;
        result.drift = drift;
        if (drift.fails) result.passed = false;
        if (accept) accepted.push(suite.name);
        const { list, variants: outcomes } = sorted[index] as ReturnType<typeof sortedSuite>;
        const variants: Record<string, HistoryVariant> = {};
        for (const evidence of measured.evidence) {
          const fragility = Object.hasOwn(result.variants, evidence.name)
            ? result.variants[evidence.name]?.fragility
            : undefined;
          variants[evidence.name] = historyVariant(
            { ...evidence, fragility },
            outcomes.get(evidence.name) as SortedOutcomes,
          );
        }
        const run = historyRun(options, facts, {
          suite: suite.name,
          simulated: result.simulated,
          accepted_reason: accept ? (options.accept ? 'manual' : 'first') : undefined,
          verdict: result.verdict.decision,
          drift: drift.status,
          ids_hash: list.hash,
          variants,
        });
        return { run, ids: list.ids };
      });
    },

    /** Appends the run's lines and prunes; a file that cannot be written is a problem, not a lost run's results. */
    async write(entries: readonly HistoryEntry[]): Promise<HistorySummary> {
      const problems: HistorySummary['problems'] = parsed.problems.map(({ line, code, message }) => ({
        line,
        code,
        message,
      }));
      let pruned: HistorySummary['pruned'] = [];
      let appended = entries.length;
      try {
        pruned = await appendHistoryFile(options.path, parsed, entries, keep);
      } catch (error) {
        appended = 0;
        problems.push({
          line: 0,
          code: 'history-write',
          message: `could not write the history (${(error as Error).message}); this run is not recorded in it — check that the file and its folder are writable`,
        });
      }
      return { file: options.path, runs_read: parsed.runs.length, appended, accepted, keep, pruned, problems };
    },
  };
}

export type RunHistory = Awaited<ReturnType<typeof openHistory>>;
