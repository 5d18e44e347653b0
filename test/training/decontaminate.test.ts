import { describe, expect, it } from 'vitest';
import { leakIndex, longestSharedRun, sameWord } from '../../src/training/decontaminate.js';
import { EVAL, TABLE } from './leak-shapes.js';

describe('leakIndex', () => {
  const index = leakIndex(EVAL);
  it.each(TABLE)('$name → $rule', ({ text, rule }) => {
    expect(index.find(text)?.rule ?? null).toBe(rule);
  });

  it('names the protected text that leaked', () => {
    expect(index.find('How do I top up my crad using Apple Pay?')?.match).toBe(EVAL[0]);
  });
});

describe('helpers', () => {
  it('sameWord allows one typo in words of four letters or more', () => {
    expect(sameWord('card', 'crad')).toBe(true);
    expect(sameWord('card', 'cards')).toBe(true);
    expect(sameWord('card', 'cart')).toBe(true);
    expect(sameWord('pay', 'pat')).toBe(false);
    expect(sameWord('card', 'cold')).toBe(false);
  });
  it('longestSharedRun counts the longest common run of words', () => {
    expect(longestSharedRun('a b c d e'.split(' '), 'x b c d y'.split(' '))).toBe(3);
  });
});
