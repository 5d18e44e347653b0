import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import {
  costOfCall,
  describePrice,
  type PriceQuery,
  priceQueryOf,
  resolvePrice,
  trainingPricePer1M,
} from '../../src/providers/pricing.js';
import type { ProviderSpec } from '../../src/suite/types.js';

const base = (model: string, platform: PriceQuery['platform']): PriceQuery => ({ model, platform, base_model: null });
const FT_SOURCE = 'built-in ft table (as of 2026-12-02)';

/** A suite with one provider per platform (simulator-like base_url, platform set explicitly) and none. */
const suite = {
  providers: {
    openai: { platform: 'openai' },
    fireworks: { base_url: 'http://127.0.0.1:9/v1', platform: 'fireworks' },
    azure: { base_url: 'http://127.0.0.1:9/v1', platform: 'azure' },
    sim: { base_url: 'http://127.0.0.1:9/v1' },
  } satisfies Record<string, Pick<ProviderSpec, 'platform' | 'base_url'>>,
};

function variantPrice(provider: string, model: string, base_model?: string) {
  return resolvePrice(priceQueryOf(suite, { provider, model, ...(base_model ? { base_model } : {}) }), {});
}

describe('resolvePrice from genai-prices', () => {
  it('prices an OpenAI model and names genai-prices with its version', () => {
    // gpt-5.5 has a long-context tier (above 272k prompt tokens); the base tier is the price.
    expect(resolvePrice(base('gpt-5.5', 'openai'), {})).toEqual({
      price: { input: 5, cached_input: 0.5, output: 30 },
      source: 'genai-prices 0.1.8',
    });
    expect(resolvePrice(base('gpt-4.1-2025-04-14', 'openai'), {}).price).toEqual({
      input: 2,
      cached_input: 0.5,
      output: 8,
    });
  });

  it('prices a Fireworks base by its full id or its bare name', () => {
    const full = resolvePrice(base('accounts/fireworks/models/llama-v3p1-8b-instruct', 'fireworks'), {});
    expect(full).toEqual({ price: { input: 0.2, output: 0.2 }, source: 'genai-prices 0.1.8' });
    expect(resolvePrice(base('llama-v3p1-8b-instruct', 'fireworks'), {})).toEqual(full);
  });

  it('refuses a fuzzy match that names another model', () => {
    // The database answers gpt-5.1-mini with gpt-5.1-codex-mini: a different model, so unknown here.
    expect(calcPrice({ input_tokens: 1 }, 'gpt-5.1-mini', { providerId: 'openai' })?.model.id).toBe(
      'gpt-5.1-codex-mini',
    );
    expect(resolvePrice(base('gpt-5.1-mini', 'openai'), {})).toEqual({ price: null, source: null });
    expect(resolvePrice(base('gpt-4o-mini-search-preview', 'openai'), {}).price).toBeNull();
  });

  it('asks a server of unknown platform as OpenAI, and knows nothing else there', () => {
    expect(variantPrice('sim', 'gpt-4.1').price).toEqual({ input: 2, cached_input: 0.5, output: 8 });
    expect(variantPrice('sim', 'llama-v3p1-8b-instruct').price).toBeNull();
  });

  it("lets the suite's pricing win, named as such", () => {
    expect(resolvePrice(base('gpt-5.5', 'openai'), { 'gpt-5.5': { input: 1, output: 2 } })).toEqual({
      price: { input: 1, output: 2 },
      source: 'suite',
    });
    expect(
      resolvePrice(base('llama-3-8b', null), { 'llama-3-8b': { per_hour: 1.2, requests_per_hour: 20000 } }),
    ).toEqual({
      price: { per_hour: 1.2, requests_per_hour: 20000 },
      source: 'suite',
    });
  });

  it('keeps an unknown model unknown: null, never a zero price', () => {
    for (const model of ['llama-3-8b', 'gpt-4.1-turbo', 'no-such-model']) {
      expect(resolvePrice(base(model, 'openai'), {})).toEqual({ price: null, source: null });
    }
  });
});

describe('resolvePrice of fine-tuned variants from the built-in table', () => {
  it('prices OpenAI ft: ids at their base’s fine-tuned rates', () => {
    expect(variantPrice('openai', 'ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123')).toEqual({
      price: { input: 0.8, cached_input: 0.2, output: 3.2 },
      source: FT_SOURCE,
    });
    expect(variantPrice('openai', 'ft:gpt-4o-2024-08-06:acme::xyz').price).toEqual({ input: 3.75, output: 15 });
  });

  it('prices a base_model variant on Fireworks, never at its base model’s own rate by accident', () => {
    const priced = variantPrice(
      'fireworks',
      'accounts/acme/models/banking77-llama-v3p1-8b',
      'accounts/fireworks/models/llama-v3p1-8b-instruct',
    );
    expect(priced).toEqual({ price: { input: 0.2, output: 0.2 }, source: FT_SOURCE });
  });

  it('knows a fine-tune only on the platform that trained it', () => {
    // The table applies where the platform is known: not on a server of unknown platform, not elsewhere.
    expect(variantPrice('sim', 'ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123').price).toBeNull();
    expect(variantPrice('azure', 'ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123').price).toBeNull();
    expect(variantPrice('fireworks', 'accounts/acme/models/x', 'gpt-4.1-mini').price).toBeNull();
  });

  it('has no price for fine-tunes of bases it does not list (gpt-4.1-nano shut down 2026-10-23)', () => {
    expect(variantPrice('openai', 'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123')).toEqual({
      price: null,
      source: null,
    });
    expect(variantPrice('openai', 'ft:davinci-002:acme::x').price).toBeNull();
  });

  it('still lets the suite price a fine-tune', () => {
    const query = priceQueryOf(suite, { provider: 'openai', model: 'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123' });
    expect(resolvePrice(query, { [query.model]: { input: 0.2, output: 0.8 } }).source).toBe('suite');
  });
});

describe('trainingPricePer1M', () => {
  it('prices training per base and platform, dated or not', () => {
    expect(trainingPricePer1M('gpt-4.1', 'openai')).toBe(25);
    expect(trainingPricePer1M('gpt-4.1-mini-2025-04-14', 'openai')).toBe(5);
    expect(trainingPricePer1M('gpt-4o-mini', 'openai')).toBe(3);
    expect(trainingPricePer1M('accounts/fireworks/models/qwen3-8b', 'fireworks')).toBe(0.5);
    expect(trainingPricePer1M('llama-v3p1-8b-instruct', 'fireworks')).toBe(0.5);
  });

  it('is null where the table has no figure', () => {
    expect(trainingPricePer1M('gpt-5', 'openai')).toBeNull();
    expect(trainingPricePer1M('gpt-4.1-nano', 'openai')).toBeNull();
    expect(trainingPricePer1M('gpt-4.1', 'azure')).toBeNull();
    expect(trainingPricePer1M('gpt-4.1', null)).toBeNull();
  });
});

describe('costOfCall', () => {
  it('bills cached prompt tokens at the cached rate', () => {
    const price = { input: 2, cached_input: 0.5, output: 8 };
    // 1000 uncached × 2 + 1000 cached × 0.5 + 100 × 8 = 3300 per 1M
    expect(costOfCall(price, { prompt: 2000, completion: 100, cached: 1000 }, 10)).toBeCloseTo(0.0033, 10);
  });

  it('falls back to the input rate when no cached rate is given', () => {
    const price = { input: 1, output: 2 };
    expect(costOfCall(price, { prompt: 1000, completion: 500, cached: 400 }, null)).toBeCloseTo(0.002, 10);
  });

  it('splits an hourly price over requests per hour, or over the call time', () => {
    expect(costOfCall({ per_hour: 1.2, requests_per_hour: 20000 }, null, null)).toBeCloseTo(0.00006, 12);
    expect(costOfCall({ per_hour: 3.6 }, null, 1000)).toBeCloseTo(0.001, 12);
    expect(costOfCall({ per_hour: 3.6 }, null, null)).toBeNull();
  });

  it('is null when the price or the usage is missing', () => {
    expect(costOfCall(null, { prompt: 10, completion: 1, cached: 0 }, 5)).toBeNull();
    expect(costOfCall({ input: 1, output: 1 }, null, 5)).toBeNull();
  });
});

describe('describePrice', () => {
  it('describes token, hourly and unknown prices', () => {
    expect(describePrice({ input: 2, cached_input: 0.5, output: 8 })).toBe(
      '$2 in / $0.5 cached / $8 out per 1M tokens',
    );
    expect(describePrice({ per_hour: 1.2, requests_per_hour: 20000 })).toBe('$1.2 per hour (20000 requests/hour)');
    expect(describePrice(null)).toBe('price unknown');
  });
});
