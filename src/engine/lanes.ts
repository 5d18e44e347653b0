import type { ModelClient } from '../providers/types.js';
import type { ProviderSpec } from '../suite/types.js';
import { canonicalJson } from './cache-key.js';

/** One provider endpoint: its concurrency limit, calls in flight, and its client (made on first need). */
export interface Lane {
  provider: ProviderSpec;
  limit: number;
  inFlight: number;
  client: ModelClient | null;
}

/**
 * Lanes keyed by the provider's settings, so suites that declare the same endpoint share one client and one
 * concurrency limit. The key is computed once per provider object.
 */
export function createLanes(concurrencyOverride: number | undefined): (provider: ProviderSpec) => Lane {
  const keys = new WeakMap<ProviderSpec, string>();
  const lanes = new Map<string, Lane>();
  return (provider) => {
    let key = keys.get(provider);
    if (key === undefined) {
      key = canonicalJson(provider);
      keys.set(provider, key);
    }
    let lane = lanes.get(key);
    if (!lane) {
      const wanted = concurrencyOverride ?? provider.concurrency;
      const limit = Number.isFinite(wanted) && wanted >= 1 ? Math.floor(wanted) : 1;
      lane = { provider, limit, inFlight: 0, client: null };
      lanes.set(key, lane);
    }
    return lane;
  };
}
