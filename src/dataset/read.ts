import { parse } from 'csv-parse/sync';
import type { Problem } from '../errors.js';
import { jsonLines, parseJsonRow } from '../suite/json-text.js';

/** One data row before field mapping: its fields and the 1-based line it starts on. */
export interface Row {
  fields: Record<string, unknown>;
  line: number;
}

export interface ReadRows {
  rows: Row[];
  problems: Problem[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON Lines: one object per line; blank lines are skipped. `file` is the name shown in problems.
 * A field holding a number keeps the text the file wrote (`1.0` stays "1.0", see parseJsonRow).
 */
export function readJsonlRows(text: string, file: string): ReadRows {
  const rows: Row[] = [];
  const problems: Problem[] = [];
  for (const { line, text: lineText } of jsonLines(text)) {
    const parsed = parseJsonRow(lineText);
    if (!parsed.ok) problems.push({ file, line, col: parsed.col, code: 'dataset', message: parsed.message });
    else if (!isRecord(parsed.value)) {
      problems.push({ file, line, col: 1, code: 'dataset', message: 'each line must be a JSON object' });
    } else rows.push({ fields: parsed.value, line });
  }
  return { rows, problems };
}

interface CsvContext {
  lines: number;
  empty_lines: number;
}

interface CsvSkip {
  message: string;
  lines?: number;
}

/**
 * CSV with a header row. Values stay strings ("false" stays "false"). A malformed record is reported
 * with its line and skipped, so every bad record is reported in one pass.
 */
export function readCsvRows(text: string, file: string): ReadRows {
  const rows: Row[] = [];
  const problems: Problem[] = [];
  // csv-parse reports the line a record ends on; a record starts after the previous one (and any blank lines).
  let lastEnd = 1;
  let emptySoFar = 0;
  const fail = (line: number, message: string) =>
    problems.push({ file, line, col: 1, code: 'dataset', message: message.replace(/ (on|at) line \d+/, '') });
  try {
    parse(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvSkip | undefined) => {
        if (!error) return;
        const line = error.lines ?? lastEnd + 1;
        fail(line, `invalid CSV record: ${error.message}`);
        lastEnd = line;
        return undefined;
      },
      on_record: (record: Record<string, string>, context: CsvContext) => {
        const start = lastEnd + 1 + (context.empty_lines - emptySoFar);
        rows.push({ fields: record, line: start });
        lastEnd = context.lines;
        emptySoFar = context.empty_lines;
        return null;
      },
    });
  } catch (error) {
    const csvError = error as CsvSkip;
    fail(csvError.lines ?? lastEnd + 1, `invalid CSV: ${csvError.message}`);
  }
  return { rows, problems };
}
