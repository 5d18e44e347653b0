import type { Problem } from '../errors.js';
import { parseJson } from '../suite/json-text.js';
import { shownPath } from '../suite/paths.js';
import type { LoadedSuite, SourceRef } from '../suite/types.js';
import type { Row } from './read.js';
import type { Case } from './types.js';

type Field = 'input' | 'expected' | 'id';

/** A row mapped to a case, or the problems that keep it from being one; `id` is set whenever the row has one. */
export interface MappedRow {
  testCase?: Case;
  id?: string;
  problems: Problem[];
}

/** Where a row's problems are reported: its line in the dataset file, or the suite's inline `cases:`. */
export function rowProblem(suite: LoadedSuite, row: Row, rowIndex: number, message: string): Problem {
  const { dataset } = suite;
  if (!dataset.path) return { ...dataset.ref, code: 'dataset', message: `dataset.cases[${rowIndex}]: ${message}` };
  const where: SourceRef = { file: shownPath(suite, dataset.path), line: row.line, col: 1 };
  return { ...where, code: 'dataset', message };
}

/** The message for a second use of an id. */
export function duplicateIdMessage(id: string, firstLine: number): string {
  return `duplicate id "${id}" (dataset.id), first used on line ${firstLine}; ids must be unique`;
}

/**
 * Maps one row's configured fields to a case (`rowIndex` is its position among the rows, `index` its
 * position in the list a run evaluates). Duplicate ids are the caller's to detect.
 */
export function mapRow(suite: LoadedSuite, row: Row, rowIndex: number, index = rowIndex): MappedRow {
  const { dataset } = suite;
  const at = (message: string) => rowProblem(suite, row, rowIndex, message);
  const lacking = (field: Field, name: string) =>
    at(`row lacks field "${name}" (dataset.${field}); fields present: ${Object.keys(row.fields).join(', ') || 'none'}`);
  const problems: Problem[] = [];
  const rawInput = row.fields[dataset.input];
  const rawExpected = row.fields[dataset.expected];
  if (rawInput === undefined) problems.push(lacking('input', dataset.input));
  else if (typeof rawInput === 'object') {
    problems.push(at(`field "${dataset.input}" (dataset.input) must be text (got ${JSON.stringify(rawInput)})`));
  }
  if (rawExpected === undefined) problems.push(lacking('expected', dataset.expected));
  else if (rawExpected === null || (typeof rawExpected === 'string' && rawExpected.trim() === '')) {
    // Scored against nothing, an empty answer would count as correct.
    const what = rawExpected === null ? 'null' : 'empty';
    problems.push(
      at(`field "${dataset.expected}" (dataset.expected) is ${what}; give the gold answer or remove the row`),
    );
  }
  let id: string | undefined = String(rowIndex);
  if (dataset.id) {
    const rawId = row.fields[dataset.id];
    if (rawId === undefined || rawId === null || rawId === '') {
      problems.push(lacking('id', dataset.id));
      id = undefined;
    } else id = String(rawId);
  }
  if (problems.length > 0 || id === undefined) return { ...(id === undefined ? {} : { id }), problems };
  const extractionCsv = dataset.format === 'csv' && suite.task.kind === 'extraction';
  const testCase: Case = {
    id,
    index,
    input: String(rawInput),
    expected: extractionCsv ? jsonObjectOrText(rawExpected) : rawExpected,
    fields: row.fields,
    line: row.line,
  };
  return { testCase, id, problems };
}

function jsonObjectOrText(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return value;
  const parsed = parseJson(value);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
    ? parsed.value
    : value;
}
