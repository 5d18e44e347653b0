import { describe, expect, it } from 'vitest';
import { holdoutSide, splitByHoldout } from '../../src/dataset/holdout.js';

const ids = Array.from({ length: 2000 }, (_, i) => String(i));
const holdout = { eval: 0.2, seed: 7 };

describe('splitByHoldout', () => {
  it('puts every id on exactly one side, about the configured share on eval', () => {
    const { eval: evalPart, train } = splitByHoldout(ids, (id) => id, holdout);
    expect(evalPart.length + train.length).toBe(ids.length);
    expect(evalPart.filter((id) => train.includes(id))).toEqual([]);
    expect(evalPart.length / ids.length).toBeGreaterThan(0.17);
    expect(evalPart.length / ids.length).toBeLessThan(0.23);
  });

  it('is deterministic, and another seed draws another split', () => {
    const first = splitByHoldout(ids, (id) => id, holdout).eval;
    expect(splitByHoldout(ids, (id) => id, holdout).eval).toEqual(first);
    expect(splitByHoldout(ids, (id) => id, { eval: 0.2, seed: 8 }).eval).not.toEqual(first);
  });

  it('never moves an existing row when rows are added', () => {
    const before = splitByHoldout(ids, (id) => id, holdout);
    const grown = splitByHoldout([...ids, ...Array.from({ length: 500 }, (_, i) => `new-${i}`)], (id) => id, holdout);
    expect(grown.eval.filter((id) => !id.startsWith('new-'))).toEqual(before.eval);
    for (const id of before.train) expect(holdoutSide(id, holdout)).toBe('train');
  });
});
