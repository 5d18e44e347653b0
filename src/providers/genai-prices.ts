import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { Platform } from '../suite/types.js';
import { FIREWORKS_MODEL_PREFIX, sameModelKey } from './model-ids.js';

/**
 * The installed `@pydantic/genai-prices`, named in every price it gives. Its bundled data is used as
 * shipped (never updated at run time: no network); a test checks this equals the installed version.
 */
export const GENAI_PRICES_VERSION = '0.1.8';
export const GENAI_PRICES_SOURCE = `genai-prices ${GENAI_PRICES_VERSION}`;

export type TokenPrice = { input: number; cached_input?: number; output: number };

/** The ids to ask for: Fireworks' catalogue matches the full `accounts/fireworks/models/…` id only. */
function lookupIds(model: string, platform: Platform): string[] {
  if (platform === 'fireworks' && !model.includes('/')) return [`${FIREWORKS_MODEL_PREFIX}${model}`];
  return [model];
}

/** A rate in USD per 1M tokens; a tiered rate gives its base tier (prompts under the tier's start). */
function rate(price: ModelPrice, key: string): number | undefined {
  const value = price[key];
  if (typeof value === 'number') return value;
  return value?.base;
}

/**
 * Price of a base model from genai-prices, per 1M tokens; null when the database does not know it.
 * `platform` picks the database's provider; a server of unknown platform (a proxy, a local server, the
 * simulator) is asked as OpenAI, since such servers expose OpenAI-compatible ids and an id that OpenAI's
 * catalogue knows exactly is OpenAI's model. The database also matches aliases and near names
 * (`gpt-5.1-mini` → `gpt-5.1-codex-mini`); a match counts only when it is the same model: its id equals
 * the asked id, up to case, Fireworks' account prefix and a snapshot date.
 */
export function genaiPrice(model: string, platform: Platform | null): TokenPrice | null {
  const providerId = platform ?? 'openai';
  for (const id of lookupIds(model, providerId)) {
    const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, id, { providerId });
    if (found === null || sameModelKey(found.model.id) !== sameModelKey(id)) continue;
    const input = rate(found.model_price, 'input_mtok');
    const output = rate(found.model_price, 'output_mtok');
    // A model without both token rates (audio, images) has no token price here: unknown, never $0.
    if (input === undefined || output === undefined) continue;
    const cached = rate(found.model_price, 'cache_read_mtok');
    return cached === undefined ? { input, output } : { input, cached_input: cached, output };
  }
  return null;
}
