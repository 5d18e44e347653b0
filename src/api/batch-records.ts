import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TunegateError } from '../errors.js';
import { removeQuietly, replaceFile } from '../replace-file.js';

/** The folder of the response cache where submitted batches are recorded until they are collected. */
export const BATCHES_DIR = 'batches';

/** One submitted batch, as recorded in `<cacheDir>/batches/<batch_id>.json`. */
export interface BatchRecord {
  /** The suite's provider name and the endpoint's identity (its base URL, or the cache identity standing for it). */
  provider: string;
  endpoint_identity: string | null;
  endpoint: string;
  model: string;
  batch_id: string;
  input_file_id: string;
  /** The cache keys of the calls it covers (each is also the line's custom_id). */
  keys: string[];
  submitted_at: string;
}

const ID_PATTERN = /^[\w.-]{1,200}$/;

function isRecord(value: unknown): value is BatchRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.provider === 'string' &&
    (record.endpoint_identity === null || typeof record.endpoint_identity === 'string') &&
    typeof record.endpoint === 'string' &&
    typeof record.model === 'string' &&
    typeof record.batch_id === 'string' &&
    ID_PATTERN.test(record.batch_id) &&
    typeof record.input_file_id === 'string' &&
    Array.isArray(record.keys) &&
    record.keys.every((key) => typeof key === 'string') &&
    typeof record.submitted_at === 'string'
  );
}

/** The batches recorded under a cache directory: read, written once submitted, removed once collected. */
export class BatchRecords {
  readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, BATCHES_DIR);
  }

  private pathOf(batchId: string): string {
    // Batch ids become file names: only plain ids, so an id can never escape the folder.
    if (!ID_PATTERN.test(batchId)) throw new Error(`invalid batch id "${batchId}"`);
    return join(this.dir, `${batchId}.json`);
  }

  /** Every recorded batch; a damaged record is an error naming its file (it may cover calls already paid for). */
  async list(): Promise<BatchRecord[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((name) => name.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: BatchRecord[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      let value: unknown;
      try {
        value = JSON.parse(await readFile(path, 'utf8'));
      } catch {
        value = undefined;
      }
      if (!isRecord(value)) {
        throw new TunegateError(
          'batch-record',
          `${path}:1:1 is not a batch record tunegate can read; delete it (its batch, if any, is then submitted again)`,
        );
      }
      records.push(value);
    }
    return records;
  }

  async write(record: BatchRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await replaceFile(this.pathOf(record.batch_id), `${JSON.stringify(record, null, 2)}\n`);
  }

  async remove(batchId: string): Promise<void> {
    await removeQuietly(this.pathOf(batchId));
  }
}
