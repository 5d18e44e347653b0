import type { CacheMode, RunOptions } from './types.js';

export const CACHE_MODES = ['use', 'refresh', 'off'] as const satisfies readonly CacheMode[];

/** The mode a run really has: without a cache directory nothing is read or written. */
export function effectiveCacheMode(options: Pick<RunOptions, 'cacheDir' | 'cacheMode'>): CacheMode {
  return options.cacheDir === undefined ? 'off' : (options.cacheMode ?? 'use');
}
