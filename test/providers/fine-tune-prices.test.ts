import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batchPrice, fineTuneOffer, fineTuneOffers } from '../../src/providers/fine-tune-prices.js';
import { GENAI_PRICES_SOURCE, GENAI_PRICES_VERSION } from '../../src/providers/genai-prices.js';

const SOURCE = /^built-in ft table \(as of (\d{4}-\d{2}-\d{2})\): https:\/\/\S+$/;

describe('the built-in fine-tune price table', () => {
  it('names a source URL and the day it was checked for every entry', () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(fineTuneOffers().length).toBeGreaterThan(0);
    for (const offer of fineTuneOffers()) {
      const match = SOURCE.exec(offer.source);
      expect(match, `${offer.platform} ${offer.base}: ${offer.source}`).not.toBeNull();
      const asOf = match?.[1] ?? '';
      expect(new Date(`${asOf}T00:00:00Z`).toISOString().slice(0, 10)).toBe(asOf);
      expect(asOf <= today).toBe(true);
      expect(offer.training_per_1m_usd).toBeGreaterThan(0);
      expect(offer.inference.input).toBeGreaterThan(0);
      expect(offer.inference.output).toBeGreaterThan(0);
    }
  });

  it('ends OpenAI self-serve training on 2027-01-05 and its GPT-4 bases on 2027-01-14', () => {
    const openai = fineTuneOffers().filter((offer) => offer.platform === 'openai');
    expect(openai.map((offer) => offer.base).sort()).toEqual([
      'gpt-4.1-2025-04-14',
      'gpt-4.1-mini-2025-04-14',
      'gpt-4o-2024-08-06',
      'gpt-4o-mini-2024-07-18',
    ]);
    for (const offer of openai) {
      expect(offer).toMatchObject({ trainable_until: '2027-01-05', shutdown_date: '2027-01-14' });
    }
  });

  it("knows the example's Fireworks base and Qwen3 8B", () => {
    expect(fineTuneOffer('fireworks', 'accounts/fireworks/models/llama-v3p1-8b-instruct')).toMatchObject({
      training_per_1m_usd: 0.5,
      inference: { input: 0.2, output: 0.2 },
      trainable_until: null,
    });
    expect(fineTuneOffer('fireworks', 'qwen3-8b')?.base).toBe('accounts/fireworks/models/qwen3-8b');
    expect(fineTuneOffer(null, 'qwen3-8b')).toBeNull();
  });
});

describe('batchPrice', () => {
  it('halves OpenAI prices (Batch API) and names the source; none where no discount is documented', () => {
    const batch = batchPrice({ input: 2, cached_input: 0.5, output: 8 }, 'openai');
    expect(batch?.price).toEqual({ input: 1, cached_input: 0.25, output: 4 });
    expect(batch?.source).toMatch(SOURCE);
    expect(batchPrice({ input: 0.2, output: 0.2 }, 'fireworks')).toBeNull();
    expect(batchPrice({ per_hour: 3 }, 'openai')).toBeNull();
  });
});

describe('GENAI_PRICES_VERSION', () => {
  it('is the installed @pydantic/genai-prices version', async () => {
    // The package's exports hide package.json: find it next to its entry point.
    const entry = fileURLToPath(import.meta.resolve('@pydantic/genai-prices'));
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@pydantic/genai-prices');
    expect(GENAI_PRICES_VERSION).toBe(pkg.version);
    expect(GENAI_PRICES_SOURCE).toBe(`genai-prices ${pkg.version}`);
  });
});
