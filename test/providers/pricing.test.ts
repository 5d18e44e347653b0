import { describe, expect, it } from 'vitest';
import { costOfCall, describePrice, resolvePrice, trainingPricePer1M } from '../../src/providers/pricing.js';

describe('resolvePrice', () => {
  it('knows base models and their dated snapshots', () => {
    expect(resolvePrice('gpt-4.1', {})).toEqual({ input: 2, cached_input: 0.5, output: 8 });
    expect(resolvePrice('gpt-4.1-2025-04-14', {})).toEqual({ input: 2, cached_input: 0.5, output: 8 });
    expect(resolvePrice('gpt-4o-mini-2024-07-18', {})).toEqual({ input: 0.15, cached_input: 0.075, output: 0.6 });
    expect(resolvePrice('o4-mini', {})).toEqual({ input: 1.1, cached_input: 0.275, output: 4.4 });
    expect(resolvePrice('gpt-5-nano', {})).toEqual({ input: 0.05, cached_input: 0.005, output: 0.4 });
  });

  it('prices ft: ids at the fine-tuned rates of their base, dated or not', () => {
    expect(resolvePrice('ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123', {})).toEqual({
      input: 0.2,
      cached_input: 0.05,
      output: 0.8,
    });
    expect(resolvePrice('ft:gpt-4o:acme::xyz', {})).toEqual({ input: 3.75, cached_input: 1.875, output: 15 });
    expect(resolvePrice('ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123', {})).toEqual({
      input: 0.8,
      cached_input: 0.2,
      output: 3.2,
    });
  });

  it('prefers an exact override, including per-hour prices', () => {
    const overrides = {
      'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123': { input: 0.1, output: 0.2 },
      'llama-3-8b': { per_hour: 1.2, requests_per_hour: 20000 },
    };
    expect(resolvePrice('ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123', overrides)).toEqual({
      input: 0.1,
      output: 0.2,
    });
    expect(resolvePrice('llama-3-8b', overrides)).toEqual({ per_hour: 1.2, requests_per_hour: 20000 });
  });

  it('returns null for unknown models, never a zero price', () => {
    expect(resolvePrice('llama-3-8b', {})).toBeNull();
    expect(resolvePrice('ft:davinci-002:acme::x', {})).toBeNull();
    expect(resolvePrice('ft:gpt-5:acme::x', {})).toBeNull();
    expect(resolvePrice('gpt-4.1-turbo', {})).toBeNull();
  });
});

describe('trainingPricePer1M', () => {
  it('prices training for fine-tunable bases and ft: ids', () => {
    expect(trainingPricePer1M('gpt-4.1')).toBe(25);
    expect(trainingPricePer1M('gpt-4.1-nano-2025-04-14')).toBe(1.5);
    expect(trainingPricePer1M('ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123')).toBe(5);
    expect(trainingPricePer1M('gpt-4o-mini')).toBe(3);
    expect(trainingPricePer1M('gpt-5')).toBeNull();
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
