import { mkdir, readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { processAlive } from '../process-alive.js';
import type { TokenUsage } from '../providers/types.js';
import { removeQuietly, replaceFile, tempFileWriter } from '../replace-file.js';

/** What a cache entry keeps of a successful response: enough to rebuild its record. */
export interface CachedResponse {
  text: string;
  usage: TokenUsage | null;
  /** null for an answer collected from a batch: a batch measures no latency, and a replay must not invent one. */
  latency_ms: number | null;
  ttft_ms: number | null;
  simulated: boolean;
}

/**
 * Reads are synchronous on purpose: entries are a few hundred bytes on local disk, where a sync read costs
 * microseconds while an async one pays thread-pool round trips (about 10× slower measured), which would
 * dominate a fully cached re-run. Writes are asynchronous: they happen while calls are in flight, where a
 * sync open/write/close/rename would stall every other call for as long.
 */
export interface ResponseCache {
  /** The stored response, or null on a miss (absent, unreadable or corrupt entry). */
  get(key: string): CachedResponse | null;
  /**
   * Stores atomically (temp file + rename): readers see the old entry, nothing, or the whole new one.
   * Resolves once the entry is in place; rejects when it could not be written (nothing half-written is left).
   */
  set(key: string, response: CachedResponse): Promise<void>;
  /** Keys of every stored entry (one directory listing per shard, not one stat per key). */
  keys(): Set<string>;
  /** Keys, and the paths of temporary files found beside the entries, from the same listing. */
  scan(): { keys: Set<string>; temps: string[] };
  /**
   * Removes temporary files left by writers that were killed mid-write: those whose writing process is gone,
   * or older than a few minutes (a live writer renames its file within milliseconds). A concurrent run's
   * files are left alone. Resolves to the number removed; never rejects.
   */
  removeOrphanTemps(temps?: string[]): Promise<number>;
}

/** A temp file this old belongs to no live write, whoever wrote it (a reused pid, another machine). */
const ORPHAN_AGE_MS = 10 * 60_000;

async function isOrphan(path: string, now: number): Promise<boolean> {
  const pid = tempFileWriter(path);
  if (pid !== undefined && pid !== process.pid && !processAlive(pid)) return true;
  try {
    return now - (await stat(path)).mtimeMs > ORPHAN_AGE_MS;
  } catch {
    return false; // renamed or removed meanwhile
  }
}

const KEY_PATTERN = /^[0-9a-f]{8,128}$/;

function checkKey(key: string): void {
  // Keys become file names: only hex digests are accepted, so a key can never escape the directory.
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid response cache key "${key}"`);
}

function isUsage(value: unknown): value is TokenUsage {
  if (value === null || typeof value !== 'object') return false;
  const usage = value as Record<string, unknown>;
  return typeof usage.prompt === 'number' && typeof usage.completion === 'number' && typeof usage.cached === 'number';
}

function parseEntry(text: string): CachedResponse | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entry = value as Record<string, unknown>;
  const valid =
    typeof entry.text === 'string' &&
    (entry.usage === null || isUsage(entry.usage)) &&
    (entry.latency_ms === null || typeof entry.latency_ms === 'number') &&
    (entry.ttft_ms === null || typeof entry.ttft_ms === 'number') &&
    typeof entry.simulated === 'boolean';
  if (!valid) return null;
  return {
    text: entry.text as string,
    usage: entry.usage as TokenUsage | null,
    latency_ms: entry.latency_ms as number | null,
    ttft_ms: entry.ttft_ms as number | null,
    simulated: entry.simulated as boolean,
  };
}

function mkdirAsync(path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    mkdir(path, { recursive: true }, (error) => (error ? reject(error) : resolve())),
  );
}

/** A content-addressed response cache on disk: `dir/<first 2 hex of key>/<key>.json`. */
export function openResponseCache(dir: string): ResponseCache {
  // Each shard directory is created at most once per process (a failed creation is retried next time).
  const madeShards = new Map<string, Promise<void>>();
  // Paths by concatenation on the directory joined once: a key is hex (checked), so nothing needs normalising,
  // and a fully cached re-run builds thousands of them.
  const root = dir === '' ? '' : join(dir, sep);
  const shardOf = (key: string) => `${root}${key.slice(0, 2)}`;

  function ensureShard(shard: string): Promise<void> {
    let made = madeShards.get(shard);
    if (!made) {
      made = mkdirAsync(shard);
      madeShards.set(shard, made);
      made.catch(() => madeShards.delete(shard));
    }
    return made;
  }

  const cache: ResponseCache = {
    get(key) {
      if (!KEY_PATTERN.test(key)) return null;
      try {
        return parseEntry(readFileSync(`${shardOf(key)}${sep}${key}.json`, 'utf8'));
      } catch {
        return null;
      }
    },

    async set(key, response) {
      checkKey(key);
      const shard = shardOf(key);
      const target = join(shard, `${key}.json`);
      const entry: CachedResponse = {
        text: response.text,
        usage: response.usage,
        latency_ms: response.latency_ms,
        ttft_ms: response.ttft_ms,
        simulated: response.simulated,
      };
      await ensureShard(shard);
      await replaceFile(target, JSON.stringify(entry));
    },

    keys() {
      return cache.scan().keys;
    },

    scan() {
      const keys = new Set<string>();
      const temps: string[] = [];
      let shardNames: string[];
      try {
        shardNames = readdirSync(dir);
      } catch {
        return { keys, temps };
      }
      for (const name of shardNames) {
        if (!/^[0-9a-f]{2}$/.test(name)) continue;
        let files: string[];
        try {
          files = readdirSync(join(dir, name));
        } catch {
          continue;
        }
        for (const file of files) {
          if (file.endsWith('.json')) keys.add(file.slice(0, -'.json'.length));
          else if (file.endsWith('.tmp')) temps.push(join(dir, name, file));
        }
      }
      return { keys, temps };
    },

    async removeOrphanTemps(temps = cache.scan().temps) {
      const now = Date.now();
      const orphans = await Promise.all(temps.map(async (path) => ((await isOrphan(path, now)) ? path : null)));
      const removed = orphans.filter((path) => path !== null);
      await Promise.all(removed.map(removeQuietly));
      return removed.length;
    },
  };
  return cache;
}
