import type { Checker } from './config-check.js';

/** How simulated batches progress on the simulator's clock, and which of their lines go wrong. */
export interface SimBatchConfig {
  /** Time a batch spends `validating` (default 0). */
  validating_ms?: number;
  /** Time it spends `in_progress`; its completed count grows evenly over it (default 0). */
  in_progress_ms?: number;
  /** Time it spends `finalizing` before `completed` (default 0). */
  finalizing_ms?: number;
  /**
   * The batch runs out of its window after answering this many lines: it ends `expired`, its answered lines in the
   * output file and the rest in the error file (`batch_expired`), as OpenAI's do.
   */
  expire_after_lines?: number;
  /** Only batches of these models expire (default: every batch, when expire_after_lines is set). */
  expire_models?: string[];
  /** Every Nth batch line the simulator answers (counted over all batches) fails with a 500 in the error file. */
  fail_every?: number;
  /** Lines with these custom ids fail with a 500. */
  fail_custom_ids?: string[];
}

export const BATCH_KEYS = [
  'validating_ms',
  'in_progress_ms',
  'finalizing_ms',
  'expire_after_lines',
  'expire_models',
  'fail_every',
  'fail_custom_ids',
] as const;

const DURATIONS = ['validating_ms', 'in_progress_ms', 'finalizing_ms'] as const;

function names(raw: unknown, path: string, check: Checker): string[] | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw;
  check.add(path, 'must be a list of strings');
  return undefined;
}

/** The `batch:` section of a simulator config; problems go to `check`. */
export function parseBatchConfig(section: unknown, check: Checker): SimBatchConfig | undefined {
  const raw = check.section(section, 'batch', '{ validating_ms: 100, in_progress_ms: 500 }', BATCH_KEYS);
  if (!raw) return undefined;
  const batch: SimBatchConfig = {};
  for (const name of DURATIONS) {
    const ms = check.number(raw[name], `batch.${name}`, 0);
    if (ms !== undefined) batch[name] = ms;
  }
  for (const name of ['expire_after_lines', 'fail_every'] as const) {
    const count = check.number(raw[name], `batch.${name}`, name === 'fail_every' ? 1 : 0);
    if (count !== undefined && !Number.isInteger(count)) check.add(`batch.${name}`, `must be an integer, got ${count}`);
    else if (count !== undefined) batch[name] = count;
  }
  const models = names(raw.expire_models, 'batch.expire_models', check);
  if (models) batch.expire_models = models;
  const failing = names(raw.fail_custom_ids, 'batch.fail_custom_ids', check);
  if (failing) batch.fail_custom_ids = failing;
  return batch;
}
