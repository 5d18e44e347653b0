import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { TunegateError } from '../errors.js';
import { replaceFile } from '../replace-file.js';
import {
  createHistoryReader,
  type HistoryEntry,
  type ParsedHistory,
  type PruneNote,
  pruneHistory,
  serializeEntries,
} from './text.js';

/** Reads a history file line by line (a missing file is an empty history). */
export async function readHistoryFile(path: string): Promise<ParsedHistory> {
  const reader = createHistoryReader(path);
  try {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) reader.line(line);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TunegateError(
        'history',
        `${path}: cannot read the run history (${(error as Error).message}); pass a readable JSONL file to --history`,
        { cause: error },
      );
    }
  }
  return reader.finish();
}

/** Whether the file ends without a newline (then an append must start one). */
async function endsMidLine(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Appends runs to the history file (created with its folder when absent), then, when a suite holds
 * more than `keep` runs, rewrites it pruned (through a temporary file: a crash leaves the old one).
 */
export async function appendHistoryFile(
  path: string,
  history: ParsedHistory,
  entries: readonly HistoryEntry[],
  keep: number,
): Promise<PruneNote[]> {
  await mkdir(dirname(path), { recursive: true });
  const added = serializeEntries(entries, new Set(history.ids.keys()));
  await appendFile(path, (await endsMidLine(path)) ? `\n${added}` : added);
  const counts = new Map<string, number>();
  for (const { suite } of [...history.runs, ...entries.map((e) => e.run)])
    counts.set(suite, (counts.get(suite) ?? 0) + 1);
  if (![...counts.values()].some((count) => count > keep)) return [];
  const { text, pruned } = pruneHistory(await readFile(path, 'utf8'), keep);
  if (pruned.length > 0) {
    await replaceFile(path, text);
  }
  return pruned;
}
