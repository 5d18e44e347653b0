import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { countMessageTokens, countTokens, loadTokenizer } from '../../src/providers/tokens.js';

describe('loadTokenizer', () => {
  it('must resolve before tokens are counted, and is shared by later callers', async () => {
    vi.resetModules();
    const fresh = await import('../../src/providers/tokens.js');
    expect(() => fresh.countTokens('hello')).toThrow(/before loadTokenizer/);
    expect(() => fresh.countMessageTokens([{ role: 'user', content: 'hello' }])).toThrow(/before loadTokenizer/);
    const first = fresh.loadTokenizer();
    expect(fresh.loadTokenizer()).toBe(first);
    await first;
    expect(fresh.countTokens('hello')).toBe(encode('hello').length);
  });
});

describe('countTokens', () => {
  beforeAll(loadTokenizer);

  it('counts o200k_base tokens', () => {
    const text = 'How do I locate my card?';
    expect(countTokens(text)).toBe(encode(text).length);
    expect(countTokens('')).toBe(0);
  });

  it('gives the same count for a long, repeated text (memoised path)', () => {
    const system = 'You route banking messages to one of 77 intents. '.repeat(40);
    const first = countTokens(system);
    expect(first).toBe(encode(system).length);
    expect(countTokens(system)).toBe(first);
  });

  it('estimates a 1 MB unbroken token and a 50 MB line (their speed is measured by bench/units.ts)', () => {
    const token = 'a'.repeat(1_000_000);
    expect(countTokens(token)).toBe(125_000); // o200k puts 8 "a" in a token
    const line = 'x7Q'.repeat(50_000_000 / 3);
    expect(countTokens(line)).toBeGreaterThan(0);
  });

  it('estimates long prose a little high, never low', () => {
    const prose = Array.from({ length: 4000 }, (_, i) => `Sentence ${i} tells the card was charged twice.`).join(' ');
    expect(prose.length).toBeGreaterThan(20_000);
    const exact = encode(prose).length;
    const estimate = countTokens(prose);
    expect(estimate).toBeGreaterThanOrEqual(exact);
    expect(estimate).toBeLessThan(exact * 1.1);
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });
});

describe('countMessageTokens', () => {
  beforeAll(loadTokenizer);

  it('adds 3 tokens per message and 3 for the reply priming', () => {
    const messages = [
      { role: 'system' as const, content: 'Answer with one label.' },
      { role: 'user' as const, content: 'Where is my card?' },
    ];
    const text = messages.reduce((sum, m) => sum + encode(m.role).length + encode(m.content).length, 0);
    expect(countMessageTokens(messages)).toBe(text + 2 * 3 + 3);
    expect(countMessageTokens([])).toBe(3);
  });
});
