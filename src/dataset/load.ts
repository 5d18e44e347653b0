import type { Problem } from '../errors.js';
import { parseJson } from '../suite/json-text.js';
import { shownPath } from '../suite/paths.js';
import { type DecodedText, readUtf8File } from '../suite/text-file.js';
import type { LoadedSuite, SourceRef } from '../suite/types.js';
import { splitByHoldout } from './holdout.js';
import { type ReadRows, type Row, readCsvRows, readJsonlRows } from './read.js';
import { sampleIndices } from './sample.js';
import type { Case } from './types.js';

/**
 * Reads a suite's cases (JSONL, CSV or inline), maps the configured fields, keeps the eval part of a
 * `training.holdout` split and applies the seeded sample to it. Every bad row is reported with its line;
 * `cases` is empty whenever `problems` is not.
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
  const read = await readRows(suite);
  if (read.problems.length > 0) return { cases: [], trainable: [], problems: read.problems };
  const mapped = mapRows(suite, read.rows);
  if (mapped.problems.length > 0) return { cases: [], trainable: [], problems: mapped.problems };
  const holdout = suite.training?.holdout;
  const parts = holdout ? splitByHoldout(mapped.cases, (c) => c.id, holdout) : { eval: mapped.cases, train: [] };
  const sample = suite.dataset.sample;
  const picked = sample ? sampleIndices(parts.eval.length, sample.size, sample.seed) : undefined;
  const evaluated = (picked ? picked.map((index) => parts.eval[index] as Case) : parts.eval).map((c, index) =>
    c.index === index ? c : { ...c, index },
  );
  if (holdout) return { cases: evaluated, trainable: parts.train, problems: [] };
  const evaluatedIds = new Set(evaluated.map((c) => c.id));
  return { cases: evaluated, trainable: mapped.cases.filter((c) => !evaluatedIds.has(c.id)), problems: [] };
}

export interface LoadedCases {
  /** The cases a run evaluates. */
  cases: Case[];
  /** Gold rows training may use: none of them is ever evaluated. */
  trainable: Case[];
  problems: Problem[];
}

async function readRows(suite: LoadedSuite): Promise<ReadRows> {
  const { dataset } = suite;
  if (!dataset.path) {
    const rows = (dataset.inline ?? []).map((fields) => ({ fields, line: dataset.ref.line }));
    return { rows, problems: [] };
  }
  const file = shownPath(suite, dataset.path);
  let decoded: DecodedText;
  try {
    decoded = await readUtf8File(dataset.path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    const message = code === 'ENOENT' ? `dataset file not found: ${file}` : `cannot read dataset ${file} (${code})`;
    return { rows: [], problems: [{ ...dataset.ref, code: 'missing-file', message }] };
  }
  if (!decoded.ok) {
    const { line, col, message } = decoded;
    return { rows: [], problems: [{ file, line, col, code: 'encoding', message }] };
  }
  return dataset.format === 'csv' ? readCsvRows(decoded.text, file) : readJsonlRows(decoded.text, file);
}

type Field = 'input' | 'expected' | 'id';

function mapRows(suite: LoadedSuite, rows: Row[]): { cases: Case[]; problems: Problem[] } {
  const { dataset } = suite;
  const inline = !dataset.path;
  const file = dataset.path ? shownPath(suite, dataset.path) : suite.file;
  const extractionCsv = dataset.format === 'csv' && suite.task.kind === 'extraction';
  const cases: Case[] = [];
  const problems: Problem[] = [];
  const firstLineOfId = new Map<string, number>();

  for (const [index, row] of rows.entries()) {
    const at = (message: string): Problem => {
      const where: SourceRef = inline ? dataset.ref : { file, line: row.line, col: 1 };
      const prefix = inline ? `dataset.cases[${index}]: ` : '';
      return { ...where, code: 'dataset', message: `${prefix}${message}` };
    };
    const lacking = (field: Field, name: string) =>
      at(
        `row lacks field "${name}" (dataset.${field}); fields present: ${Object.keys(row.fields).join(', ') || 'none'}`,
      );

    const rawInput = row.fields[dataset.input];
    const rawExpected = row.fields[dataset.expected];
    let rowValid = true;
    if (rawInput === undefined) {
      problems.push(lacking('input', dataset.input));
      rowValid = false;
    } else if (typeof rawInput === 'object') {
      problems.push(at(`field "${dataset.input}" (dataset.input) must be text (got ${JSON.stringify(rawInput)})`));
      rowValid = false;
    }
    if (rawExpected === undefined) {
      problems.push(lacking('expected', dataset.expected));
      rowValid = false;
    } else if (rawExpected === null || (typeof rawExpected === 'string' && rawExpected.trim() === '')) {
      // Scored against nothing, an empty answer would count as correct.
      const what = rawExpected === null ? 'null' : 'empty';
      problems.push(
        at(`field "${dataset.expected}" (dataset.expected) is ${what}; give the gold answer or remove the row`),
      );
      rowValid = false;
    }
    let id = String(index);
    if (dataset.id) {
      const rawId = row.fields[dataset.id];
      if (rawId === undefined || rawId === null || rawId === '') {
        problems.push(lacking('id', dataset.id));
        rowValid = false;
      } else {
        id = String(rawId);
        const first = firstLineOfId.get(id);
        if (first !== undefined) {
          problems.push(at(`duplicate id "${id}" (dataset.id), first used on line ${first}; ids must be unique`));
          rowValid = false;
        } else firstLineOfId.set(id, row.line);
      }
    }
    if (!rowValid) continue;
    cases.push({
      id,
      index,
      input: String(rawInput),
      expected: extractionCsv ? jsonObjectOrText(rawExpected) : rawExpected,
      fields: row.fields,
      line: row.line,
    });
  }
  return { cases, problems };
}

function jsonObjectOrText(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return value;
  const parsed = parseJson(value);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
    ? parsed.value
    : value;
}
