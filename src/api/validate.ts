import { loadCases } from '../dataset/load.js';
import type { CaseSource } from '../dataset/source.js';
import type { Case } from '../dataset/types.js';
import { templateFields } from '../engine/plan.js';
import { configError, type Problem, TunegateError } from '../errors.js';
import { loadSuites } from '../suite/load.js';
import { shownPath } from '../suite/paths.js';
import type { MissingApiKey } from '../suite/resolve.js';
import type { LoadedSuite } from '../suite/types.js';
import type { OutsidePaths } from '../suite/workspace.js';
import { checkContextWindows } from './context-window.js';
import { checkLocalModels } from './local-server.js';

export interface SuiteWithCases {
  suite: LoadedSuite;
  /** The cases a run evaluates. */
  cases: CaseSource;
  /** Gold rows training may use (the holdout's train part, or rows outside the sample); never evaluated. */
  trainable: CaseSource;
}

export interface ValidationResult {
  suites: SuiteWithCases[];
  problems: Problem[];
  warnings: Problem[];
}

export interface ValidateOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** False when the run will not reach the suites' providers (e.g. on the simulator). */
  requireApiKeys?: boolean;
  /** `warning` when nothing will call a model (`validate`): an unset key variable does not fail the check. */
  missingApiKey?: MissingApiKey;
  /** Whether suites may read outside their repository (see LoadOptions.outsidePaths). */
  outsidePaths?: OutsidePaths;
  /**
   * False for commands that make or prepare a local model (train, training-set, distill): a variant may
   * name a `local:` model whose file is not there yet (a fresh clone). Default true: serving needs it.
   */
  requireLocalModels?: boolean;
}

/** Every template field a variant uses must exist on every row; reports the first row lacking each (one read). */
function checkTemplateFields({ suite, cases }: SuiteWithCases): Problem[] {
  const problems: Problem[] = [];
  const wanted = suite.variants.flatMap((variant) =>
    templateFields(variant.template)
      .map((field) => ({ variant, field, root: field.split('.')[0] ?? field }))
      .filter(({ root }) => root !== 'input'),
  );
  if (wanted.length === 0) return problems;
  const firstLacking = new Map<(typeof wanted)[number], Case>();
  for (const testCase of cases) {
    for (const use of wanted)
      if (!firstLacking.has(use) && !(use.root in testCase.fields)) firstLacking.set(use, testCase);
  }
  for (const use of wanted) {
    const lacking = firstLacking.get(use);
    if (!lacking) continue;
    problems.push({
      file: suite.dataset.path ? shownPath(suite, suite.dataset.path) : suite.file,
      line: suite.dataset.path ? lacking.line : suite.dataset.ref.line,
      col: 1,
      code: 'template-field',
      message: `variant "${use.variant.name}" template uses {{${use.field}}} but this row has no "${use.root}" field; add it to the dataset or change the template`,
    });
  }
  return problems;
}

/**
 * Loads suites and their datasets and collects every problem at once, so `validate` and `run`
 * refuse a broken configuration — or a row too long for its model — before any model is called.
 */
export async function validateSuites(patterns: string[], options: ValidateOptions): Promise<ValidationResult> {
  const loaded = await loadSuites(patterns, options);
  const problems = [...loaded.problems];
  const suites: SuiteWithCases[] = [];
  for (const suite of loaded.suites) {
    const { cases, trainable, problems: dataProblems } = await loadCases(suite);
    problems.push(...dataProblems);
    if (dataProblems.length > 0) continue;
    if (cases.length === 0) {
      problems.push({
        ...suite.dataset.ref,
        code: 'empty-dataset',
        message: 'the dataset has no cases; add rows or fix the sample size',
      });
      continue;
    }
    const withCases = { suite, cases, trainable };
    const fieldProblems = checkTemplateFields(withCases);
    problems.push(...fieldProblems);
    if (fieldProblems.length > 0) continue;
    const windowProblems = [
      ...(await checkContextWindows(withCases)),
      ...(await checkLocalModels(suite, { requireFiles: options.requireLocalModels ?? true })),
    ];
    problems.push(...windowProblems);
    if (windowProblems.length === 0) suites.push(withCases);
  }
  return { suites, problems, warnings: loaded.warnings };
}

/**
 * For commands that work on one suite (training, promotion): loads it, or throws every problem at
 * once (exit 2), before anything runs.
 */
export async function loadOneSuite(patterns: string[], options: ValidateOptions): Promise<SuiteWithCases> {
  const validation = await validateSuites(patterns, options);
  if (validation.problems.length > 0) throw configError(validation.problems);
  const [first, ...more] = validation.suites;
  if (!first || more.length > 0) {
    throw new TunegateError(
      'usage',
      `${patterns.join(', ')}: name exactly one suite for this command (found ${validation.suites.length})`,
    );
  }
  return first;
}
