import type { Problem } from '../errors.js';
import type { LoadedSuite } from '../suite/types.js';
import { loadFileCases } from './file-cases.js';
import { splitByHoldout } from './holdout.js';
import { duplicateIdMessage, mapRow, rowProblem } from './map-row.js';
import { sampleIndices } from './sample.js';
import { type CaseSource, caseList } from './source.js';
import type { Case } from './types.js';

/**
 * Reads a suite's cases (JSONL, CSV or inline), maps the configured fields, keeps the eval part of a
 * `training.holdout` split and applies the seeded sample to it. Every bad row is reported with its line;
 * `cases` is empty whenever `problems` is not. A dataset file is streamed (see file-cases.ts): its cases
 * are read from it again on each iteration, never held; inline cases stay in memory.
 *
 * `trainable` holds the rows training may use, never one that is evaluated: with a holdout the train part
 * (whatever the sample), without one the rows the sample left out (none when every row is evaluated).
 *
 * Values are never coerced: a CSV "false" stays the string "false", and a JSON or YAML number keeps
 * the text the file wrote when String() would change it (`1.0`, `0.10`, `1e3`, 21-digit integers).
 * Two deliberate exceptions: a number or boolean input becomes its String(), and for extraction tasks a
 * CSV expected value that parses as a JSON object becomes that object (CSV has no other way to hold one).
 * A null or blank gold answer (a CSV empty cell included) is a problem: it would score an empty answer correct.
 */
export async function loadCases(suite: LoadedSuite): Promise<LoadedCases> {
  if (suite.dataset.path) return loadFileCases(suite, suite.dataset.path);
  const mapped = mapInlineRows(suite);
  if (mapped.problems.length > 0) return { cases: caseList([]), trainable: caseList([]), problems: mapped.problems };
  const holdout = suite.training?.holdout;
  const parts = holdout ? splitByHoldout(mapped.cases, (c) => c.id, holdout) : { eval: mapped.cases, train: [] };
  const sample = suite.dataset.sample;
  const picked = sample ? sampleIndices(parts.eval.length, sample.size, sample.seed) : undefined;
  const evaluated = (picked ? picked.map((index) => parts.eval[index] as Case) : parts.eval).map((c, index) =>
    c.index === index ? c : { ...c, index },
  );
  if (holdout) return { cases: caseList(evaluated), trainable: caseList(parts.train), problems: [] };
  const evaluatedIds = new Set(evaluated.map((c) => c.id));
  const trainable = mapped.cases.filter((c) => !evaluatedIds.has(c.id));
  return { cases: caseList(evaluated), trainable: caseList(trainable), problems: [] };
}

export interface LoadedCases {
  /** The cases a run evaluates. */
  cases: CaseSource;
  /** Gold rows training may use: none of them is ever evaluated. */
  trainable: CaseSource;
  problems: Problem[];
}

/** The suite's inline `cases:` mapped to cases, duplicate ids reported with the line of the first use. */
function mapInlineRows(suite: LoadedSuite): { cases: Case[]; problems: Problem[] } {
  const { dataset } = suite;
  const cases: Case[] = [];
  const problems: Problem[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const [index, fields] of (dataset.inline ?? []).entries()) {
    const row = { fields, line: dataset.ref.line };
    const mapped = mapRow(suite, row, index);
    problems.push(...mapped.problems);
    if (dataset.id && mapped.id !== undefined) {
      const first = firstLineOfId.get(mapped.id);
      if (first !== undefined) {
        problems.push(rowProblem(suite, row, index, duplicateIdMessage(mapped.id, first)));
        continue;
      }
      firstLineOfId.set(mapped.id, row.line);
    }
    if (mapped.testCase) cases.push(mapped.testCase);
  }
  return { cases, problems };
}
