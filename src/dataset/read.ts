import { Parser } from 'csv-parse';
import type { Problem } from '../errors.js';
import { parseJsonRow } from '../suite/json-text.js';
import { type TextChunk, textLines } from './stream.js';

/** One data row before field mapping: its fields and the 1-based line it starts on. */
export interface Row {
  fields: Record<string, unknown>;
  line: number;
}

/** A data row, or a problem with a row that was not read. */
export type RowOrProblem = { row: Row; problem?: undefined } | { row?: undefined; problem: Problem };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON Lines: one object per line; blank lines are skipped. `file` is the name shown in problems.
 * A field holding a number keeps the text the file wrote (`1.0` stays "1.0", see parseJsonRow).
 * `wanted(rowIndex)` false skips a row's parsing (it is yielded as null): a second pass parses only what it uses.
 */
export function* jsonlRows(
  chunks: Iterable<TextChunk>,
  file: string,
  wanted: (rowIndex: number) => boolean = () => true,
): Generator<RowOrProblem | null> {
  let rowIndex = 0;
  for (const { line, text } of textLines(chunks)) {
    if (!wanted(rowIndex++)) {
      yield null;
      continue;
    }
    const parsed = parseJsonRow(text);
    if (!parsed.ok) yield { problem: { file, line, col: parsed.col, code: 'dataset', message: parsed.message } };
    else if (!isRecord(parsed.value)) {
      yield { problem: { file, line, col: 1, code: 'dataset', message: 'each line must be a JSON object' } };
    } else yield { row: { fields: parsed.value, line } };
  }
}

interface CsvContext {
  lines: number;
  empty_lines: number;
}

interface CsvSkip {
  message: string;
  lines?: number;
}

/** csv-parse's synchronous core, which its stream Parser wraps (the same one `csv-parse/sync` uses). */
interface CsvCore {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: unknown) => void, close: () => void): Error | undefined;
}

/**
 * CSV with a header row, parsed chunk by chunk. Values stay strings ("false" stays "false"). A malformed
 * record is reported with its line and skipped, so every bad record is reported in one pass.
 */
export function* csvRows(chunks: Iterable<TextChunk>, file: string): Generator<RowOrProblem> {
  let queue: RowOrProblem[] = [];
  // csv-parse reports the line a record ends on; a record starts after the previous one (and any blank lines).
  let lastEnd = 1;
  let emptySoFar = 0;
  const fail = (line: number, message: string) =>
    queue.push({ problem: { file, line, col: 1, code: 'dataset', message: message.replace(/ (on|at) line \d+/, '') } });
  const parser = new Parser({
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
    on_record: (record: unknown, context: CsvContext) => {
      const start = lastEnd + 1 + (context.empty_lines - emptySoFar);
      // With `columns: true` a record is an object keyed by the header.
      queue.push({ row: { fields: record as Record<string, string>, line: start } });
      lastEnd = context.lines;
      emptySoFar = context.empty_lines;
      return null;
    },
  });
  // The stream's own core, driven synchronously: no event loop turn per chunk, no records buffered by a stream.
  const core = (parser as unknown as { api: CsvCore }).api;
  const ignore = () => {};
  const drain = function* () {
    const ready = queue;
    queue = [];
    yield* ready;
  };
  for (const { bytes } of chunks) {
    const error = core.parse(bytes, false, ignore, ignore);
    yield* drain();
    if (error) {
      const csvError = error as CsvSkip;
      fail(csvError.lines ?? lastEnd + 1, `invalid CSV: ${csvError.message}`);
      yield* drain();
      return;
    }
  }
  const error = core.parse(undefined, true, ignore, ignore);
  if (error) fail((error as CsvSkip).lines ?? lastEnd + 1, `invalid CSV: ${error.message}`);
  yield* drain();
}
