import { formatProblem, type Problem, TunegateError } from '../errors.js';
import { withRoom } from '../grow-array.js';
import { hash32 } from '../hash.js';
import { shownPath } from '../suite/paths.js';
import type { LoadedSuite } from '../suite/types.js';
import { holdoutSide } from './holdout.js';
import type { LoadedCases } from './load.js';
import { duplicateIdMessage, mapRow, rowProblem } from './map-row.js';
import { csvRows, jsonlRows, type RowOrProblem } from './read.js';
import { sampleIndices } from './sample.js';
import type { CaseSource } from './source.js';
import { EncodingError, textChunks } from './stream.js';

/**
 * A dataset file read in two passes, never held whole. Pass 1 validates every row, detects duplicate ids and
 * records one byte per row (holdout side, then whether the seeded sample picked it). Each iteration of the
 * resulting sources is pass 2: the file is read again and only the rows of that source are mapped to cases.
 */

const TRAIN = 0;
const EVAL = 1;
const PICKED = 2;

/** Rows of the file in order; a JSONL row whose index `wanted` refuses is not parsed (null). */
function rowsOf(suite: LoadedSuite, path: string, wanted?: (rowIndex: number) => boolean) {
  const file = shownPath(suite, path);
  const chunks = textChunks(path);
  return suite.dataset.format === 'csv' ? csvRows(chunks, file) : jsonlRows(chunks, file, wanted);
}

/** A byte per row, growing as rows are read (a million rows: 1 MB). */
class ByteList {
  bytes = new Uint8Array(1024);
  length = 0;
  push(value: number): void {
    this.bytes = withRoom(this.bytes, this.length);
    this.bytes[this.length++] = value;
  }
}

/** 64 bits of hash of an id: two independently seeded 32-bit hashes. */
function idHash(id: string): bigint {
  return (BigInt(hash32(0x9e3779b9, id)) << 32n) | BigInt(hash32(0x85ebca6b, id));
}

class HashList {
  hashes = new BigUint64Array(1024);
  length = 0;
  push(value: bigint): void {
    this.hashes = withRoom(this.hashes, this.length);
    this.hashes[this.length++] = value;
  }
  /** Hashes that occur more than once (sorted copy: 16 bytes per row, freed on return). */
  repeated(): Set<bigint> {
    const sorted = this.hashes.slice(0, this.length).sort();
    const repeated = new Set<bigint>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i] as bigint);
    return repeated;
  }
}

function problemOf(suite: LoadedSuite, path: string, error: unknown): Problem {
  const file = shownPath(suite, path);
  if (error instanceof EncodingError)
    return { file, line: error.line, col: error.col, code: 'encoding', message: error.message };
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
  const message = code === 'ENOENT' ? `dataset file not found: ${file}` : `cannot read dataset ${file} (${code})`;
  return { ...suite.dataset.ref, code: 'missing-file', message };
}

/**
 * Duplicate ids among rows whose 64-bit id hashes repeat. Only those rows' ids are kept and compared as
 * text, so two different ids that happen to share a hash (a collision) are never reported.
 */
function duplicateIds(suite: LoadedSuite, path: string, repeated: Set<bigint>): Problem[] {
  const firstLine = new Map<string, number>();
  const problems: Problem[] = [];
  let rowIndex = 0;
  for (const item of rowsOf(suite, path)) {
    const index = rowIndex++;
    if (!item?.row) continue;
    const { id } = mapRow(suite, item.row, index);
    if (id === undefined || !repeated.has(idHash(id))) continue;
    const first = firstLine.get(id);
    if (first === undefined) firstLine.set(id, item.row.line);
    else problems.push(rowProblem(suite, item.row, index, duplicateIdMessage(id, first)));
  }
  return problems;
}

interface Scan {
  kinds: Uint8Array;
  problems: Problem[];
}

/** Pass 1: every row validated; each row's holdout side. Read problems (a row that is not a row) come alone. */
function scan(suite: LoadedSuite, path: string): Scan {
  const kinds = new ByteList();
  const hashes = suite.dataset.id ? new HashList() : undefined;
  const readProblems: Problem[] = [];
  const rowProblems: Problem[] = [];
  const holdout = suite.training?.holdout;
  try {
    let rowIndex = 0;
    for (const item of rowsOf(suite, path) as Iterable<RowOrProblem>) {
      const index = rowIndex++;
      if (item.problem) readProblems.push(item.problem);
      if (!item.row || readProblems.length > 0) continue;
      const mapped = mapRow(suite, item.row, index);
      rowProblems.push(...mapped.problems);
      if (hashes && mapped.id !== undefined) hashes.push(idHash(mapped.id));
      kinds.push(
        mapped.testCase && holdout ? (holdoutSide(mapped.testCase.id, holdout) === 'eval' ? EVAL : TRAIN) : EVAL,
      );
    }
  } catch (error) {
    return { kinds: new Uint8Array(0), problems: [problemOf(suite, path, error)] };
  }
  if (readProblems.length > 0) return { kinds: new Uint8Array(0), problems: readProblems };
  const repeated = hashes?.repeated();
  if (repeated && repeated.size > 0) rowProblems.push(...duplicateIds(suite, path, repeated));
  rowProblems.sort((a, b) => a.line - b.line);
  return { kinds: kinds.bytes.subarray(0, kinds.length), problems: rowProblems };
}

/** Marks the rows the seeded sample picks among the eval rows (every eval row without a sample). */
function markPicked(suite: LoadedSuite, kinds: Uint8Array): number {
  let evalRows = 0;
  for (const kind of kinds) if (kind === EVAL) evalRows += 1;
  const sample = suite.dataset.sample;
  const picked = sample ? sampleIndices(evalRows, sample.size, sample.seed) : undefined;
  let evalIndex = 0;
  let next = 0;
  for (let row = 0; row < kinds.length; row++) {
    if (kinds[row] !== EVAL) continue;
    if (picked === undefined || picked[next] === evalIndex) {
      kinds[row] = PICKED;
      next += 1;
    }
    evalIndex += 1;
  }
  return picked?.length ?? evalRows;
}

/** The rows whose kind `keep` accepts, read again from the file on every iteration. */
function fileSource(
  suite: LoadedSuite,
  path: string,
  kinds: Uint8Array,
  keep: (kind: number) => boolean,
  reindex: boolean,
): CaseSource {
  let length = 0;
  for (const kind of kinds) if (keep(kind)) length += 1;
  return {
    length,
    *[Symbol.iterator]() {
      let position = 0;
      let rowIndex = 0;
      for (const item of rowsOf(suite, path, (index) => keep(kinds[index] as number))) {
        const index = rowIndex++;
        if (item === null || !keep(kinds[index] as number)) continue;
        const mapped = item.row ? mapRow(suite, item.row, index, reindex ? position : index) : undefined;
        if (!mapped?.testCase) {
          const problem = item.problem ?? mapped?.problems[0];
          const why = problem ? `: ${formatProblem(problem)}` : '';
          throw new TunegateError(
            'dataset',
            `${shownPath(suite, path)} changed while the run read it${why}; run again`,
          );
        }
        position += 1;
        yield mapped.testCase;
      }
    },
  };
}

/** Loads a dataset file: pass 1 now, pass 2 whenever a source is iterated. */
export function loadFileCases(suite: LoadedSuite, path: string): LoadedCases {
  const { kinds, problems } = scan(suite, path);
  const empty: CaseSource = { length: 0, [Symbol.iterator]: () => [][Symbol.iterator]() };
  if (problems.length > 0) return { cases: empty, trainable: empty, problems };
  markPicked(suite, kinds);
  const holdout = suite.training?.holdout !== undefined;
  return {
    cases: fileSource(suite, path, kinds, (kind) => kind === PICKED, true),
    // With a holdout, the train part (whatever the sample); without one, the rows the sample left out.
    trainable: fileSource(suite, path, kinds, holdout ? (kind) => kind === TRAIN : (kind) => kind !== PICKED, false),
    problems: [],
  };
}
