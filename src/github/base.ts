import { join } from 'node:path';
import { baseSection, compareRuns, evaluateBase, suitesTouched } from '../api/base-run.js';
import { changedFiles, repoRoot } from '../api/git.js';
import type { RunSuitesOptions } from '../api/run-suites.js';
import type { SuiteWithCases } from '../api/validate.js';
import { CASES_FILE } from '../report/cases-file.js';
import type { RunResults } from '../report/types.js';
import type { LoadedSuite } from '../suite/types.js';
import type { OutsidePaths } from '../suite/workspace.js';
import { outsidePathPolicy, type RunContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import { log } from './log.js';

export interface BasePlan {
  sha: string;
  ref: string;
  workdir: string;
  patterns: string[];
  /** Every suite of the head, including those skipped as untouched. */
  headSuites: LoadedSuite[];
  skipped: Set<string>;
  requireApiKeys: boolean;
  /** Whether the base commit's suites may read outside the repository (see outsidePathPolicy). */
  outsidePaths: OutsidePaths;
}

export interface Selection {
  suites: SuiteWithCases[];
  base: BasePlan | undefined;
}

/**
 * On a pull request (or with base-ref): the suites some changed file touches (all with run-all),
 * and the plan to evaluate them on the base commit. Elsewhere: every suite, no base.
 */
export async function selectSuites(
  suites: SuiteWithCases[],
  inputs: ActionInputs,
  context: RunContext,
  workdir: string,
): Promise<Selection> {
  const baseSha = inputs.baseRef ?? context.pullRequest?.baseSha;
  if (baseSha === undefined) return { suites, base: undefined };
  const changed = await changedFiles(await repoRoot(workdir, process.env), baseSha, 'HEAD', process.env);
  const touched = suitesTouched(
    suites.map((s) => s.suite),
    changed,
  );
  const selected = inputs.runAll ? suites : suites.filter((s) => touched.has(s.suite.name));
  const skipped = new Set(suites.filter((s) => !selected.includes(s)).map((s) => s.suite.name));
  for (const name of skipped) log.info(`Suite ${name}: no changed file touches it; skipped.`);
  if (!inputs.compareBase) return { suites: selected, base: undefined };
  return {
    suites: selected,
    base: {
      sha: baseSha,
      ref: inputs.baseRef ?? context.pullRequest?.baseRef ?? baseSha,
      workdir,
      patterns: inputs.suites,
      headSuites: suites.map((s) => s.suite),
      skipped,
      requireApiKeys: !inputs.simulate,
      outsidePaths: outsidePathPolicy(context.eventName),
    },
  };
}

/** Evaluates the selected suites as they were on the base commit and compares them variant by variant. */
export async function compareAgainstBase(
  plan: BasePlan,
  head: RunResults,
  options: RunSuitesOptions,
): Promise<NonNullable<RunResults['base']>> {
  const evaluated = head.suites.map((s) => s.name);
  const baseRun = await evaluateBase({
    cwd: plan.workdir,
    baseSha: plan.sha,
    patterns: plan.patterns,
    suiteNames: evaluated,
    requireApiKeys: plan.requireApiKeys,
    outsidePaths: plan.outsidePaths,
    run: options,
  });
  for (const problem of baseRun.problems) log.warning(`On the base commit: ${problem}`);
  const statuses = new Map<string, 'new' | 'skipped'>();
  for (const name of plan.skipped) statuses.set(name, 'skipped');
  for (const name of baseRun.missing) statuses.set(name, 'new');
  const headCases = join(options.outDir, CASES_FILE);
  const suites = await compareRuns(headCases, baseRun.casesPath, plan.headSuites, statuses);
  return baseSection(plan.ref, plan.sha, suites);
}
