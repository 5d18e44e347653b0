import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheMode } from '../history/types.js';
import { replaceFile } from '../replace-file.js';

/** How long a provider's answer about a model is trusted: shutdowns are announced months ahead. */
const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;
const FILE_NAME = 'lifecycle.json';

/** A provider's answer: its date, null for "none announced", undefined when it did not say. */
export type ProviderAnswer = string | null | undefined;

interface StoredAnswer {
  shutdown_date: string | null;
  /** The provider did not say (no route, no field, no such model). */
  silent?: true;
  asked_at: string;
}

/** The providers' answers about model shutdowns, kept for a day in the cache dir (`lifecycle.json`). */
export interface LifecycleCache {
  /** The stored answer, if one younger than a day is held; `undefined` when the provider must be asked. */
  get(key: string): { answer: ProviderAnswer } | undefined;
  set(key: string, answer: ProviderAnswer): void;
  /** Writes the new answers (merged with what another run stored meanwhile); never throws. */
  save(): Promise<void>;
}

async function readAnswers(path: string): Promise<Record<string, StoredAnswer>> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { answers?: unknown };
    const answers = parsed?.answers;
    return answers !== null && typeof answers === 'object' ? (answers as Record<string, StoredAnswer>) : {};
  } catch {
    return {};
  }
}

/**
 * Opens the answer cache of a run: `use` reads and writes it, `refresh` only writes (every provider is
 * asked again), `off` or no directory neither.
 */
export async function openLifecycleCache(dir: string | undefined, mode: CacheMode, now: Date): Promise<LifecycleCache> {
  const path = dir === undefined ? undefined : join(dir, FILE_NAME);
  const held = path && mode === 'use' ? await readAnswers(path) : {};
  const fresh: Record<string, StoredAnswer> = {};
  return {
    get(key) {
      const answer = held[key];
      if (!answer || typeof answer.asked_at !== 'string') return undefined;
      const age = now.getTime() - Date.parse(answer.asked_at);
      if (!(age >= 0 && age < ANSWER_TTL_MS)) return undefined;
      if (answer.silent) return { answer: undefined };
      return { answer: typeof answer.shutdown_date === 'string' ? answer.shutdown_date : null };
    },
    set(key, answer) {
      const asked_at = now.toISOString();
      fresh[key] =
        answer === undefined ? { shutdown_date: null, silent: true, asked_at } : { shutdown_date: answer, asked_at };
    },
    async save() {
      if (!path || mode === 'off' || Object.keys(fresh).length === 0) return;
      try {
        await mkdir(dir as string, { recursive: true });
        const answers = { ...(await readAnswers(path)), ...fresh };
        await replaceFile(path, `${JSON.stringify({ answers }, null, 1)}\n`);
      } catch {
        // A cache that cannot be written only means asking again next time.
      }
    },
  };
}
