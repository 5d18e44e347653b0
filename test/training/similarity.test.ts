import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/dataset/sample.js';
import { jaccard, nearDuplicateIndex, normalizeText, shingles } from '../../src/training/similarity.js';

const similarity = (a: string, b: string) =>
  jaccard(new Set(shingles(normalizeText(a))), new Set(shingles(normalizeText(b))));

describe('normalizeText', () => {
  it('lowercases, strips punctuation and collapses whitespace', () => {
    expect(normalizeText('  Hello,   World!\n¿Qué   tal?  ')).toBe('hello world qué tal');
  });
});

describe('shingles', () => {
  it('uses word trigrams for long texts and character trigrams for short ones', () => {
    const long = shingles('one two three four five six seven eight nine ten');
    expect(long).toContain('w:one two three');
    expect(long).toHaveLength(8);
    expect(shingles('abcd')).toEqual(['c:abc', 'c:bcd']);
    expect(shingles('ab')).toEqual(['c:ab']);
  });
});

describe('nearDuplicateIndex', () => {
  it('finds exact (normalized) copies and near copies, and nothing else', () => {
    const index = nearDuplicateIndex(0.9);
    const long =
      'I ordered a new card last week and it still has not arrived, can you tell me where it is and when it comes';
    index.add(long);
    index.add('How do I top up my card?');
    expect(index.findSimilar('how do i TOP UP my card')).toEqual({ text: 'How do I top up my card?', similarity: 1 });
    const nearLong = `${long} please`;
    expect(similarity(long, nearLong)).toBeGreaterThanOrEqual(0.9);
    expect(index.findSimilar(nearLong)?.text).toBe(long);
    expect(index.findSimilar('What is the exchange rate for euros today?')).toBeUndefined();
  });

  it('addIfNew keeps the first of a group of near-duplicates', () => {
    const index = nearDuplicateIndex(0.8);
    expect(index.addIfNew('where is my refund for the cancelled order')).toBe(true);
    expect(index.addIfNew('Where is my refund for the cancelled order?!')).toBe(false);
    expect(index.addIfNew('can I change my pin at an atm')).toBe(true);
    expect(index.size).toBe(2);
  });

  it('rejects thresholds outside (0, 1]', () => {
    expect(() => nearDuplicateIndex(0)).toThrow(/similarity threshold/);
    expect(() => nearDuplicateIndex(1.5)).toThrow(/similarity threshold/);
  });

  // Prefix filtering must never miss a pair that a full scan would find.
  it.each([0.5, 0.7, 0.9, 1])('agrees with a brute-force scan at threshold %s', (threshold) => {
    const random = mulberry32(42);
    const words = ['card', 'top', 'up', 'refund', 'pin', 'atm', 'my', 'the', 'where', 'is', 'how', 'do', 'i', 'fee'];
    const base = Array.from({ length: 40 }, () =>
      Array.from({ length: 4 + Math.floor(random() * 14) }, () => words[Math.floor(random() * words.length)]).join(' '),
    );
    const mutate = (text: string) => {
      const parts = text.split(' ');
      parts[Math.floor(random() * parts.length)] = words[Math.floor(random() * words.length)] as string;
      return random() < 0.5 ? parts.join(' ') : `${parts.join(' ')} ${words[0]}`;
    };
    const kept = base.slice(0, 20);
    const queries = [...base.slice(20), ...kept.map(mutate), ...kept.map((text) => mutate(mutate(text)))];
    const index = nearDuplicateIndex(threshold);
    for (const text of kept) index.add(text);
    let matches = 0;
    for (const query of queries) {
      const best = Math.max(...kept.map((text) => similarity(text, query)));
      const found = index.findSimilar(query);
      if (best >= threshold) {
        matches++;
        expect(found?.similarity).toBeCloseTo(best, 10);
      } else {
        expect(found).toBeUndefined();
      }
    }
    expect(matches).toBeGreaterThan(0);
  });
});
