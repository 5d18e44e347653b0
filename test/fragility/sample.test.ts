import { describe, expect, it } from 'vitest';
import { fragilityCases } from '../../src/fragility/sample.js';

const ids = Array.from({ length: 500 }, (_, i) => `row-${i}`);

describe('fragilityCases', () => {
  it('takes `sample` cases, the same for the same seed, in the given order', () => {
    const chosen = fragilityCases(ids, 50, 1);
    expect(chosen).toHaveLength(50);
    expect(fragilityCases(ids, 50, 1)).toEqual(chosen);
    expect(chosen).toEqual(ids.filter((id) => chosen.includes(id)));
    expect(fragilityCases(ids, 50, 2)).not.toEqual(chosen);
  });

  it('does not depend on the order of the ids', () => {
    const shuffled = [...ids].reverse();
    expect(new Set(fragilityCases(shuffled, 50, 1))).toEqual(new Set(fragilityCases(ids, 50, 1)));
  });

  it('keeps its cases when rows are added, unless a new row ranks lower', () => {
    const before = new Set(fragilityCases(ids, 50, 1));
    const more = [...ids, ...Array.from({ length: 100 }, (_, i) => `new-${i}`)];
    const after = fragilityCases(more, 50, 1);
    for (const id of after) if (id.startsWith('row-')) expect(before.has(id)).toBe(true);
    expect(after.filter((id) => id.startsWith('row-')).length).toBeGreaterThan(30);
  });

  it('returns every case (once) when the sample is larger', () => {
    expect(fragilityCases(['b', 'a', 'b'], 10, 1)).toEqual(['b', 'a']);
    expect(fragilityCases(ids, 0, 1)).toEqual([]);
  });
});
