import { describe, expect, it } from 'vitest';
import { expectedAsText, normalize } from '../../src/scoring/normalize.js';

describe('normalize', () => {
  it('applies nothing when no normalizer is given', () => {
    expect(normalize('  Hello,  World! ', [])).toBe('  Hello,  World! ');
  });

  it('trims, lowercases and collapses whitespace', () => {
    expect(normalize('  Hello \n\t World ', ['trim'])).toBe('Hello \n\t World');
    expect(normalize('ÉCOLE Straße', ['lowercase'])).toBe('école straße');
    expect(normalize('a \n\t b   c', ['collapse_whitespace'])).toBe('a b c');
  });

  it('strips Unicode punctuation, not only ASCII', () => {
    expect(normalize('«Bonjour», dit-il… ¿Qué? 你好。card_arrival!', ['strip_punctuation'])).toBe(
      'Bonjour ditil Qué 你好cardarrival',
    );
  });

  it('applies normalizers in the order given', () => {
    expect(normalize(' a . ', ['strip_punctuation', 'collapse_whitespace', 'trim'])).toBe('a');
    expect(normalize(' a . ', ['trim', 'strip_punctuation'])).toBe('a ');
  });
});

describe('expectedAsText', () => {
  it('keeps strings as they are and never coerces "false"', () => {
    expect(expectedAsText('false')).toBe('false');
    expect(expectedAsText(3)).toBe('3');
    expect(expectedAsText(null)).toBe('');
    expect(expectedAsText({ a: 1 })).toBe('{"a":1}');
  });
});
