import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, didYouMean, editDistanceWithin, levenshtein } from '../../src/edit-distance.js';

/**
 * The textbook full-matrix distance, to check the banded one against; with `transpositions`, the
 * optimal string alignment distance (an adjacent swap is one edit).
 */
function reference(a: string, b: string, transpositions = false): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

describe('editDistanceWithin', () => {
  it('equals the full distance when within the bound, and max + 1 beyond it', () => {
    const words = [
      '',
      'a',
      'card',
      'crad',
      'lost my card',
      'lost  my crad!',
      'kitten',
      'sitting',
      'abcdefgh',
      'hgfedcba',
    ];
    for (const a of words) {
      for (const b of words) {
        const truth = reference(a, b);
        expect(levenshtein(a, b)).toBe(truth);
        for (const max of [0, 1, 2, 3, 5]) expect(editDistanceWithin(a, b, max)).toBe(truth <= max ? truth : max + 1);
      }
    }
  });

  it('agrees with the full distance on seeded random strings of many lengths', () => {
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const word = () => Array.from({ length: next() % 30 }, () => 'abc'[next() % 3]).join('');
    for (let trial = 0; trial < 400; trial++) {
      const a = word();
      const b = word();
      const truth = reference(a, b);
      for (const max of [0, 1, 2, 4, 7]) expect(editDistanceWithin(a, b, max)).toBe(truth <= max ? truth : max + 1);
    }
  });

  it('counts an adjacent swap as one edit only when asked, banded or not', () => {
    expect(levenshtein('modle', 'model')).toBe(2);
    expect(damerauLevenshtein('modle', 'model')).toBe(1);
    expect(damerauLevenshtein('ca', 'abc')).toBe(3);
    let state = 777;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const word = () => Array.from({ length: next() % 20 }, () => 'ab'[next() % 2]).join('');
    for (let trial = 0; trial < 400; trial++) {
      const a = word();
      const b = word();
      const truth = reference(a, b, true);
      expect(damerauLevenshtein(a, b)).toBe(truth);
      for (const max of [0, 1, 2, 4, 7]) {
        expect(editDistanceWithin(a, b, max, { transpositions: true })).toBe(truth <= max ? truth : max + 1);
      }
    }
  });

  it('suggests "model" for "modle", not "role" (a transposition is one edit)', () => {
    expect(didYouMean('modle', ['role', 'provider', 'model'])).toBe(' (did you mean "model"?)');
    expect(didYouMean('rloe', ['model', 'role'])).toBe(' (did you mean "role"?)');
  });

  it('suggests the closest allowed name', () => {
    expect(didYouMean('typo', ['typos', 'case'])).toBe(' (did you mean "typos"?)');
    expect(didYouMean('zzzzzzzz', ['typos', 'case'])).toBe('');
  });
});
