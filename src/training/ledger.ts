import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, TunegateError } from '../errors.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from '../providers/fine-tune-types.js';
import { replaceFile } from '../replace-file.js';
import { withFileLock } from './file-lock.js';

/** One training job tunegate started, remembered so a re-run never starts it again. */
export interface LedgerEntry {
  key: string;
  suite: string;
  backend: string;
  job: TrainingJob;
  started_at: string;
  updated_at?: string;
}

export interface JobLedger {
  readonly file: string;
  find(key: string): LedgerEntry | undefined;
  record(entry: LedgerEntry): Promise<void>;
  /** Replaces the job of a recorded entry (a later status); an unknown key is an error. */
  update(key: string, job: TrainingJob): Promise<void>;
  all(): LedgerEntry[];
}

export const LEDGER_FILE = 'jobs.json';

/**
 * The one ledger directory of a workspace, for the CLI and the Action alike: inside the cache directory,
 * which the Action carries from run to run, so a re-run of the workflow finds the jobs it started.
 */
export function jobLedgerDir(workdir: string): string {
  return path.join(workdir, '.tunegate', 'cache', 'jobs');
}

/** Where the CLI kept its ledger before; its entries are read and carried into the one ledger. */
export function legacyLedgerDirs(workdir: string): string[] {
  return [path.join(workdir, '.tunegate', 'jobs')];
}

interface LedgerFile {
  version: 1;
  jobs: LedgerEntry[];
}

/**
 * The job ledger in `<dir>/jobs.json`. Every write takes a lock file, re-reads the file and merges by key,
 * then replaces it atomically (temp file + rename): concurrent runs on one directory keep each other's
 * entries. Entries of the legacy ledgers (`options.legacyDirs`) are read too, and written into this one
 * with its next write.
 */
export async function openLedger(dir: string, options: { legacyDirs?: string[] } = {}): Promise<JobLedger> {
  const file = path.join(dir, LEDGER_FILE);
  const legacy = new Map<string, LedgerEntry>();
  for (const legacyDir of options.legacyDirs ?? []) {
    for (const [key, value] of await readEntries(path.join(legacyDir, LEDGER_FILE))) legacy.set(key, value);
  }
  const entries = new Map([...legacy, ...(await readEntries(file))]);
  let writes: Promise<void> = Promise.resolve();

  function save(entry: LedgerEntry): Promise<void> {
    const write = writes.then(async () => {
      await mkdir(dir, { recursive: true });
      await withFileLock(`${file}.lock`, async () => {
        const onDisk = new Map([...legacy, ...(await readEntries(file))]);
        onDisk.set(entry.key, entry);
        for (const [key, value] of onDisk) entries.set(key, value);
        const content: LedgerFile = { version: 1, jobs: [...onDisk.values()] };
        await replaceFile(file, `${JSON.stringify(content, null, 2)}\n`);
      });
    });
    // A failed write must not block the ones after it; the caller still sees its own failure.
    writes = write.catch(() => undefined);
    return write;
  }

  return {
    file,
    find: (key) => entries.get(key),
    all: () => [...entries.values()],
    record: (entry) => save(entry),
    async update(key, job) {
      const known = entries.get(key);
      if (!known) {
        throw new TunegateError('ledger', `${file} has no job with key ${key}; start the job before updating it`, {
          exitCode: ExitCode.runtime,
        });
      }
      await save({ ...known, job, updated_at: new Date().toISOString() });
    },
  };
}

async function readEntries(file: string): Promise<Map<string, LedgerEntry>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, (error as Error).message);
  }
  const jobs = (parsed as Partial<LedgerFile> | null)?.jobs;
  if (!Array.isArray(jobs)) throw corrupt(file, 'expected { "version": 1, "jobs": [...] }');
  const entries = new Map<string, LedgerEntry>();
  for (const entry of jobs as LedgerEntry[]) {
    if (typeof entry?.key !== 'string' || typeof entry.job?.id !== 'string') {
      throw corrupt(file, 'every job needs a string "key" and a "job" with an "id"');
    }
    entries.set(entry.key, entry);
  }
  return entries;
}

function corrupt(file: string, reason: string): TunegateError {
  return new TunegateError(
    'ledger',
    `${file} is not a job ledger (${reason}); repair it, or delete it to forget which training jobs were started`,
    { exitCode: ExitCode.runtime },
  );
}

// Starts in flight per ledger, so two concurrent calls with one key share one start.
const inFlight = new WeakMap<JobLedger, Map<string, Promise<TrainingJob>>>();

/**
 * Starts the job unless the ledger already holds its idempotency key; then it returns the recorded
 * job without calling the backend (`started: false`).
 */
export async function startOnce(
  backend: FineTuneBackend,
  spec: TrainingJobSpec,
  ledger: JobLedger,
): Promise<{ job: TrainingJob; started: boolean }> {
  const key = spec.idempotency_key;
  const recorded = ledger.find(key);
  if (recorded) return { job: recorded.job, started: false };
  let pending = inFlight.get(ledger);
  if (!pending) {
    pending = new Map();
    inFlight.set(ledger, pending);
  }
  const running = pending.get(key);
  if (running) return { job: await running, started: false };

  const starting = (async () => {
    const job = await backend.start(spec);
    await ledger.record({ key, suite: spec.suite, backend: backend.name, job, started_at: new Date().toISOString() });
    return job;
  })();
  pending.set(key, starting);
  try {
    return { job: await starting, started: true };
  } finally {
    pending.delete(key);
  }
}

/** What makes two training runs the same run: change any of it and it is a new job. */
export interface JobKeyParts {
  suite: string;
  verdict: string;
  base_model: string;
  /** The backend's type and endpoint (see `backendIdentity`): another trainer is another job. */
  backend: string;
  /** Training method, e.g. `supervised` or `dpo`. */
  method: string;
  /** Epochs, suffix and whatever else shapes the trained model. */
  hyperparameters: Record<string, string | number | boolean | null>;
  training_sha256: string;
  validation_sha256: string | null;
}

/** The idempotency key of a training run: a sha256 over every part, with the hyper-parameters in key order. */
export function idempotencyKey(parts: JobKeyParts): string {
  const hyperparameters = Object.entries(parts.hyperparameters).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify([
        parts.suite,
        parts.verdict,
        parts.base_model,
        parts.backend,
        parts.method,
        hyperparameters,
        parts.training_sha256,
        parts.validation_sha256,
      ]),
    )
    .digest('hex');
}
