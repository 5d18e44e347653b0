import path from 'node:path';
import { compareWithBase } from '../decision/base-compare.js';
import type { BaseSuiteComparison } from '../decision/types.js';
import { formatProblem } from '../errors.js';
import { CASES_FILE, readCases } from '../report/cases-file.js';
import type { RunResults } from '../report/types.js';
import { isErrorRecord } from '../scoring/record.js';
import type { LoadedSuite } from '../suite/types.js';
import { isWithin, type OutsidePaths } from '../suite/workspace.js';
import { checkoutAt, repoRoot } from './git.js';
import { type RunSuitesOptions, runSuites } from './run-suites.js';
import { validateSuites } from './validate.js';

/**
 * A pull request measured against its base commit: the suites as they were on base run with the
 * head run's options (the shared response cache makes unchanged calls free), then every variant
 * is compared case by case with its head counterpart.
 */

/** Per-case correctness by suite, then variant, then case id. */
export type Outcomes = Map<string, Map<string, Map<string, boolean>>>;

/**
 * Reads who got what right from a cases.jsonl, line by line (runs can be large). Cases whose call
 * failed are left out: they were not answered, so they pair with nothing.
 */
export async function readOutcomes(casesJsonlPath: string): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  await readCases(casesJsonlPath, (record) => {
    if (isErrorRecord(record)) return;
    const bySuite = outcomes.get(record.suite) ?? new Map<string, Map<string, boolean>>();
    outcomes.set(record.suite, bySuite);
    const byVariant = bySuite.get(record.variant) ?? new Map<string, boolean>();
    bySuite.set(record.variant, byVariant);
    byVariant.set(record.case_id, record.correct === true);
  });
  return outcomes;
}

/** Names of the suites that read at least one of the changed files (absolute paths). */
export function suitesTouched(suites: readonly LoadedSuite[], changedFiles: readonly string[]): Set<string> {
  const changed = new Set(changedFiles.map((file) => path.resolve(file)));
  return new Set(suites.filter((suite) => suite.sources.some((file) => changed.has(file))).map((s) => s.name));
}

/**
 * Compares every head suite with its base run. `statuses` names the suites not compared (new on
 * head, or skipped because no changed file touches them); a suite absent from the base run is new.
 * Variants that exist on one side only are left out: there is nothing to pair them with.
 */
export async function compareRuns(
  headCases: string,
  baseCases: string,
  suites: readonly LoadedSuite[],
  statuses: ReadonlyMap<string, 'new' | 'skipped'>,
): Promise<BaseSuiteComparison[]> {
  const [head, base] = await Promise.all([readOutcomes(headCases), readOutcomes(baseCases)]);
  return suites.map((suite): BaseSuiteComparison => {
    const given = statuses.get(suite.name);
    const headRuns = head.get(suite.name);
    const baseRuns = base.get(suite.name);
    if (given) return { suite: suite.name, status: given, variants: [] };
    if (!baseRuns || !headRuns) return { suite: suite.name, status: 'new', variants: [] };
    const variants = suite.variants.flatMap((variant) => {
      const headOutcomes = headRuns.get(variant.name);
      const baseOutcomes = baseRuns.get(variant.name);
      if (!headOutcomes || !baseOutcomes) return [];
      return [compareWithBase(headOutcomes, baseOutcomes, variant.name, suite.decision)];
    });
    return { suite: suite.name, status: 'compared', variants };
  });
}

/** The `base` section of results.json. */
export function baseSection(ref: string, sha: string, suites: BaseSuiteComparison[]): NonNullable<RunResults['base']> {
  const regressions = suites.reduce((sum, suite) => sum + suite.variants.filter((v) => v.regression).length, 0);
  return { ref, sha, suites, regressions };
}

export interface BaseRunOptions {
  /** The head run's working directory, inside the repository; `patterns` are relative to it. */
  cwd: string;
  baseSha: string;
  /** The head run's suite files or globs. */
  patterns: string[];
  /** Head suites to measure on base, by name; other suites found on base are not run. */
  suiteNames: readonly string[];
  /** As for the head run (false when the providers are not reached, e.g. on the simulator). */
  requireApiKeys?: boolean;
  /** As for the head run: whether the suites may read outside the repository (see LoadOptions). */
  outsidePaths?: OutsidePaths;
  /** The head run's options; results go to `<outDir>/base`, and the shared cache makes unchanged calls free. */
  run: RunSuitesOptions;
}

export interface BaseRun {
  results: RunResults;
  casesPath: string;
  /** Named suites with no valid counterpart on base: new, or broken there (see problems). */
  missing: string[];
  /** Why a suite on base could not be measured, as `file:line:col message` relative to the base checkout. */
  problems: string[];
}

/** A path under the head checkout, moved to the same place under the base checkout. */
function onBase(headRoot: string, baseRoot: string, target: string): string {
  return isWithin(headRoot, target) ? path.join(baseRoot, path.relative(headRoot, target)) : target;
}

/** Checks out the base commit in a temporary worktree and runs there the named suites that exist on it. */
export async function evaluateBase(options: BaseRunOptions): Promise<BaseRun> {
  const headRoot = await repoRoot(options.cwd, options.run.env);
  const checkout = await checkoutAt(headRoot, options.baseSha, options.run.env);
  try {
    const cwd = onBase(headRoot, checkout.dir, path.resolve(options.cwd));
    const patterns = options.patterns.map((p) => (path.isAbsolute(p) ? onBase(headRoot, checkout.dir, p) : p));
    const validation = await validateSuites(patterns, {
      cwd,
      env: options.run.env,
      requireApiKeys: options.requireApiKeys !== false,
      ...(options.outsidePaths === undefined ? {} : { outsidePaths: options.outsidePaths }),
    });
    const wanted = new Set(options.suiteNames);
    const inputs = validation.suites.filter(({ suite }) => wanted.has(suite.name));
    const found = new Set(inputs.map(({ suite }) => suite.name));
    // A suite file that does not exist on base is a new suite, not a problem.
    const problems = validation.problems.filter((p) => p.code !== 'no-match').map(formatProblem);
    // The base commit is no run of the suites: it is neither judged against a reference nor remembered.
    const { reference: _reference, history: _history, ...run } = options.run;
    const outDir = path.join(options.run.outDir, 'base');
    const results = await runSuites(inputs, { ...run, outDir });
    return {
      results,
      casesPath: path.join(outDir, CASES_FILE),
      missing: options.suiteNames.filter((name) => !found.has(name)),
      problems,
    };
  } finally {
    await checkout.cleanup();
  }
}
