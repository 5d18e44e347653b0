import type { ProviderSpec, VariantSpec } from '../suite/types.js';
import type { createOpenAIClient } from './client.js';
import type { LifecycleCache, ProviderAnswer } from './lifecycle-cache.js';
import { builtInLifecycle } from './lifecycle-table.js';
import { baseModelOf, platformOf } from './platform.js';

/** What the run learns about one model's shutdown. */
export interface ModelLifecycle {
  /** The id the date belongs to: the variant's model, or for a fine-tune the base it stops with. */
  model: string;
  /** YYYY-MM-DD */
  shutdown_date: string | null;
  /** Whole days from the run's date; 0 or negative once shut down. */
  days_left: number | null;
  source: 'provider' | 'built-in' | null;
  /** What the platform suggests instead, when known. */
  replacement: string | null;
}

/** One attempt, never retried: a provider that does not answer at once is taken as not saying. */
const ASK_TIMEOUT_MS = 3_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The run's date, YYYY-MM-DD in UTC (the calendar OpenAI's dates are written in). */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from `today` to `date` (both YYYY-MM-DD); negative when `date` is past. */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

export interface LifecycleLookup {
  env: Record<string, string | undefined>;
  now: Date;
  cache: LifecycleCache;
  /** False to use the built-in table only (validate without a key, or nothing reachable). */
  askProviders: boolean;
}

/** Where a provider serves from, as the answer cache knows it (the simulator by its fingerprint). */
function endpointKey(provider: ProviderSpec): string {
  return [provider.cache_identity ?? provider.base_url ?? 'openai', provider.api_version ?? ''].join(' ');
}

/**
 * The provider's `shutdown_date` for `model` from `GET {base_url}/models/{id}`: a date; null, which
 * OpenAI documents as "no shutdown announced"; or undefined when it does not say (no such route or
 * field, a 404, any failure). Never throws, never retries.
 */
async function askProvider(provider: ProviderSpec, model: string, lookup: LifecycleLookup): Promise<ProviderAnswer> {
  const key = `${endpointKey(provider)} ${model}`;
  const cached = lookup.cache.get(key);
  if (cached) return cached.answer;
  // The SDK loads only when a provider is asked: `validate` without keys (and --version) never pays for it.
  const { createOpenAIClient: createClient } = await import('./client.js');
  let client: ReturnType<typeof createOpenAIClient>['client'];
  try {
    client = createClient(provider, lookup.env, undefined, 0).client;
  } catch {
    return undefined; // no key: nothing to ask with
  }
  try {
    const found = (await client.models.retrieve(model, {
      timeout: Math.min(ASK_TIMEOUT_MS, provider.timeout_ms),
    })) as { shutdown_date?: unknown };
    const date = found?.shutdown_date;
    const answer = date === null ? null : typeof date === 'string' && DATE.test(date) ? date : undefined;
    lookup.cache.set(key, answer);
    return answer;
  } catch (error) {
    // A definite "no such model" is worth keeping; a failure is asked again next run.
    if ((error as { status?: unknown }).status === 404) lookup.cache.set(key, undefined);
    return undefined;
  }
}

function known(model: string, date: string, source: 'provider' | 'built-in', today: string): ModelLifecycle {
  return {
    model,
    shutdown_date: date,
    days_left: daysUntil(date, today),
    source,
    replacement: builtInLifecycle(model)?.replacement ?? null,
  };
}

/**
 * The shutdown of a variant's model: its provider's answer about the model, else about the base a
 * fine-tune stops with, else (on the `openai` platform only) the built-in table for either. A provider
 * that says "none announced" for a base model is believed; for a fine-tune it is not (the base decides).
 */
export async function lookUpLifecycle(
  provider: ProviderSpec,
  variant: Pick<VariantSpec, 'model' | 'base_model'>,
  lookup: LifecycleLookup,
): Promise<ModelLifecycle> {
  const today = dayOf(lookup.now);
  const base = baseModelOf(variant);
  const asked = base === null || base === variant.model ? [variant.model] : [variant.model, base];
  const unannounced = new Set<string>();
  if (lookup.askProviders) {
    for (const model of asked) {
      const answer = await askProvider(provider, model, lookup);
      if (typeof answer === 'string') return known(model, answer, 'provider', today);
      if (answer === null && model === asked.at(-1)) unannounced.add(model);
    }
  }
  if (platformOf(provider) === 'openai') {
    for (const model of asked.filter((id) => !unannounced.has(id))) {
      const entry = builtInLifecycle(model);
      if (entry) return known(model, entry.shutdown_date, 'built-in', today);
    }
  }
  return { model: variant.model, shutdown_date: null, days_left: null, source: null, replacement: null };
}

/** Shut down: the shutdown date has come. */
export function isShutDown(lifecycle: ModelLifecycle): boolean {
  return lifecycle.days_left !== null && lifecycle.days_left <= 0;
}
