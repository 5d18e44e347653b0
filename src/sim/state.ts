import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TunegateError } from '../errors.js';
import { readTextIfExists } from '../read-if-exists.js';
import { replaceFile } from '../replace-file.js';

/** An uploaded file as kept between runs (the bytes as base64). */
export interface SavedFile {
  id: string;
  filename: string;
  purpose: string;
  created_at: number;
  base64: string;
}

/**
 * What the simulator made while it served: uploaded files, fine-tuning jobs, the models they trained,
 * Fireworks datasets and Azure deployments. Kept in a file so that the next command (`train --job`,
 * `promote`) meets the same jobs and models, as it would on the real service.
 */
export interface SimSnapshot {
  version: 1;
  files: SavedFile[];
  /** Each part is owned (and typed) by the store it comes from. */
  jobs: unknown[];
  trained: [string, { base: string; accuracy: number }][];
  datasets: SavedFile[];
  fireworks_datasets: [string, unknown][];
  deployments: [string, unknown][];
  /** Batch API batches (owned by batch.ts), so a batch submitted by one command is collected by the next. */
  batches?: unknown[];
}

/** The saved state, or undefined when none was saved yet. A damaged file says what to do. */
export async function readSimState(file: string): Promise<SimSnapshot | undefined> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    throw new TunegateError('sim-state', `cannot read the simulator state ${file}: ${(error as Error).message}`);
  }
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as SimSnapshot;
    if (parsed?.version === 1 && Array.isArray(parsed.jobs) && Array.isArray(parsed.files)) return parsed;
  } catch {
    // reported below
  }
  throw new TunegateError(
    'sim-state',
    `${file}:1:1 is not a simulator state this version can read; delete it to start the simulator afresh`,
  );
}

/** Writes the state atomically (temp file + rename): a command that stops half-way never leaves half a file. */
export async function writeSimState(file: string, snapshot: SimSnapshot): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFile(file, JSON.stringify(snapshot));
}

export function saveFile(file: { id: string; filename: string; purpose: string; created_at: number; bytes: Buffer }) {
  const { id, filename, purpose, created_at } = file;
  return { id, filename, purpose, created_at, base64: file.bytes.toString('base64') };
}
