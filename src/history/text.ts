/**
 * The history file as text: parse it line by line, append runs, prune old ones. Pure (no I/O) so
 * that the CLI (a local file) and the Action (a file kept on a branch) share it.
 *
 * Guarantees: a line that cannot be read is reported with its number and skipped, never silently
 * dropped; a line written by a newer version is reported and skipped; appending and pruning keep
 * such lines as they are, so nothing a newer tunegate or a human wrote is lost.
 */
import type { Problem } from '../errors.js';
import { HISTORY_VERSION, type HistoryIds, type HistoryRun } from './types.js';

export const DEFAULT_HISTORY_FILE = 'history.jsonl';

export interface ParsedHistory {
  /** Readable runs of this version, in file order (oldest first). */
  runs: HistoryRun[];
  /** Case ids by the hash of their sorted list. */
  ids: Map<string, string[]>;
  problems: Problem[];
}

/** A run to append, with its sorted case ids (written once per distinct list). */
export interface HistoryEntry {
  run: HistoryRun;
  ids: readonly string[];
}

/** Runs removed from one suite by pruning. */
export interface PruneNote {
  suite: string;
  removed: number;
  /** Dates of the oldest and newest run removed. */
  from: string;
  through: string;
  kept: number;
}

type Classified =
  | { kind: 'run'; run: HistoryRun }
  | { kind: 'ids'; ids: HistoryIds }
  | { kind: 'skip'; code: string; message: string };

const RUN_STRINGS = ['suite', 'run_id', 'date', 'ids_hash'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupt(message: string): Classified {
  return { kind: 'skip', code: 'history-corrupt', message: `${message}; the line is skipped (fix or delete it)` };
}

function missingRunField(record: Record<string, unknown>): string | null {
  for (const key of RUN_STRINGS) if (typeof record[key] !== 'string') return key;
  if (!isObject(record.variants)) return 'variants';
  for (const variant of Object.values(record.variants)) {
    if (!isObject(variant) || typeof variant.correct !== 'string' || typeof variant.answered !== 'string') {
      return 'variants.*.correct/answered';
    }
    if (typeof variant.n !== 'number') return 'variants.*.n';
  }
  return null;
}

/** What one line of the file holds. Lines are trimmed by the caller; empty lines never get here. */
function classify(line: string): Classified {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return corrupt(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(record)) return corrupt('not a JSON object');
  const version = record.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return corrupt('no history "version"');
  }
  if (version > HISTORY_VERSION) {
    return {
      kind: 'skip',
      code: 'history-version',
      message: `written by a newer tunegate (history version ${version}; this one reads ${HISTORY_VERSION}); skipped and kept — upgrade tunegate to use it`,
    };
  }
  if (record.kind === 'ids') {
    if (
      typeof record.hash !== 'string' ||
      !Array.isArray(record.ids) ||
      !record.ids.every((id) => typeof id === 'string')
    ) {
      return corrupt('an "ids" line needs "hash" and a list of string "ids"');
    }
    return { kind: 'ids', ids: record as unknown as HistoryIds };
  }
  if (record.kind !== 'run') return corrupt(`unknown "kind" ${JSON.stringify(record.kind)}`);
  const missing = missingRunField(record);
  if (missing) return corrupt(`a "run" line without a valid "${missing}"`);
  return { kind: 'run', run: record as unknown as HistoryRun };
}

/**
 * Reads the history one line at a time (so a caller can stream a large file into it) and collects
 * every problem instead of stopping at the first.
 */
export function createHistoryReader(file = DEFAULT_HISTORY_FILE) {
  const runs: HistoryRun[] = [];
  const runLines: number[] = [];
  const ids = new Map<string, string[]>();
  const problems: Problem[] = [];
  let lineNumber = 0;
  return {
    line(text: string): void {
      lineNumber += 1;
      const trimmed = text.trim();
      if (trimmed === '') return;
      const found = classify(trimmed);
      if (found.kind === 'run') {
        runs.push(found.run);
        runLines.push(lineNumber);
      } else if (found.kind === 'ids') {
        ids.set(found.ids.hash, found.ids.ids);
      } else {
        problems.push({ file, line: lineNumber, col: 1, code: found.code, message: found.message });
      }
    },
    finish(): ParsedHistory {
      runs.forEach((run, index) => {
        if (ids.has(run.ids_hash)) return;
        problems.push({
          file,
          line: runLines[index] as number,
          col: 1,
          code: 'history-ids',
          message: `run ${run.run_id} of suite ${run.suite} names a case list (${run.ids_hash.slice(0, 12)}…) that no "ids" line gives: it stays in the trend but cannot be paired case by case`,
        });
      });
      problems.sort((a, b) => a.line - b.line);
      return { runs, ids, problems };
    },
  };
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Parses a whole history file's text. */
export function parseHistory(text: string, file = DEFAULT_HISTORY_FILE): ParsedHistory {
  const reader = createHistoryReader(file);
  for (const line of splitLines(text)) reader.line(line);
  return reader.finish();
}

/**
 * The lines that record `entries`: an `ids` line before the first run that uses a case list not in
 * `knownHashes` (which it then joins), then the run. Each line ends with a newline.
 */
export function serializeEntries(entries: readonly HistoryEntry[], knownHashes: Set<string>): string {
  let text = '';
  for (const { run, ids } of entries) {
    if (!knownHashes.has(run.ids_hash)) {
      const line: HistoryIds = { kind: 'ids', version: HISTORY_VERSION, hash: run.ids_hash, ids: [...ids] };
      text += `${JSON.stringify(line)}\n`;
      knownHashes.add(run.ids_hash);
    }
    text += `${JSON.stringify(run)}\n`;
  }
  return text;
}

/** The history text with `entries` appended; every existing line is kept as it is. */
export function appendRuns(text: string, entries: readonly HistoryEntry[]): string {
  const known = new Set(parseHistory(text).ids.keys());
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${serializeEntries(entries, known)}`;
}

interface LineInfo {
  text: string;
  run?: HistoryRun;
  idsHash?: string;
}

/** Index (in `runs`) of the runs a suite keeps: the newest `keep`, and each variant's newest accepted run. */
function keptRuns(runs: { run: HistoryRun; index: number }[], keep: number): Set<number> {
  const kept = new Set(runs.slice(Math.max(0, runs.length - keep)).map((r) => r.index));
  const references = new Set<string>();
  for (let i = runs.length - 1; i >= 0; i--) {
    const { run, index } = runs[i] as { run: HistoryRun; index: number };
    if (!run.accepted) continue;
    const newVariants = Object.keys(run.variants).filter((name) => !references.has(name));
    if (newVariants.length === 0) continue;
    for (const name of newVariants) references.add(name);
    // The reference of drift is never pruned, however old: without it drift could not be measured.
    kept.add(index);
  }
  return kept;
}

/**
 * Keeps the newest `keep` runs of every suite (and each variant's accepted reference, however old),
 * drops the case lists no kept run uses, and says what was removed. Unreadable lines are kept.
 */
export function pruneHistory(text: string, keep: number): { text: string; pruned: PruneNote[] } {
  const lines: LineInfo[] = splitLines(text)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const found = classify(line.trim());
      if (found.kind === 'run') return { text: line, run: found.run };
      if (found.kind === 'ids') return { text: line, idsHash: found.ids.hash };
      return { text: line };
    });
  const bySuite = new Map<string, { run: HistoryRun; index: number }[]>();
  lines.forEach((line, index) => {
    if (!line.run) return;
    const list = bySuite.get(line.run.suite) ?? [];
    list.push({ run: line.run, index });
    bySuite.set(line.run.suite, list);
  });
  const removed = new Set<number>();
  const pruned: PruneNote[] = [];
  for (const [suite, runs] of bySuite) {
    if (runs.length <= keep) continue;
    const kept = keptRuns(runs, keep);
    const gone = runs.filter((r) => !kept.has(r.index));
    if (gone.length === 0) continue;
    for (const r of gone) removed.add(r.index);
    pruned.push({
      suite,
      removed: gone.length,
      from: (gone[0] as { run: HistoryRun }).run.date,
      through: (gone[gone.length - 1] as { run: HistoryRun }).run.date,
      kept: kept.size,
    });
  }
  if (removed.size === 0) return { text, pruned };
  const usedHashes = new Set(lines.filter((l, i) => l.run && !removed.has(i)).map((l) => l.run?.ids_hash));
  const kept = lines.filter((line, index) => !removed.has(index) && (!line.idsHash || usedHashes.has(line.idsHash)));
  return { text: kept.map((line) => `${line.text}\n`).join(''), pruned };
}
