import { describe, expect, it } from 'vitest';
import { parseShard, selectShard, shardOfCase, suiteCaseIdsHash } from '../../src/api/shard.js';
import type { SuiteWithCases } from '../../src/api/validate.js';
import type { Case } from '../../src/dataset/types.js';
import type { LoadedSuite } from '../../src/suite/types.js';

const ids = Array.from({ length: 3000 }, (_, i) => `case-${i}`);
const aCase = (id: string, index: number): Case => ({
  id,
  index,
  input: id,
  expected: 'x',
  fields: {},
  line: index + 1,
});
const input = (name: string, caseIds: string[]): SuiteWithCases => ({
  suite: { name } as LoadedSuite,
  cases: caseIds.map(aCase),
  trainable: [],
});

describe('shards', () => {
  it('parses K/N and refuses anything else with what it expects', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '1/2/3', '-1/2']) {
      expect(() => parseShard(bad)).toThrow(`--shard expects K/N with 1 ≤ K ≤ N (e.g. 2/4), got "${bad}"`);
    }
  });

  it('puts every case in exactly one shard, evenly, by its id alone', () => {
    const sizes = [0, 0, 0, 0];
    for (const id of ids) {
      const shard = shardOfCase(id, 4);
      expect(shard).toBe(shardOfCase(id, 4));
      sizes[shard - 1] = (sizes[shard - 1] ?? 0) + 1;
    }
    for (const size of sizes) expect(size).toBeGreaterThan(650);
    const suites = [input('a', ids.slice(0, 500)), input('b', ids.slice(250, 750))];
    const parts = [1, 2, 3, 4].map((index) => selectShard(suites, { index, count: 4 }));
    for (const [s, suite] of suites.entries()) {
      const joined = parts.flatMap((part) => Array.from(part[s]?.cases ?? [], (c) => c.id));
      expect(joined.sort()).toEqual(Array.from(suite.cases, (c) => c.id).sort());
      // Re-indexed within the shard: a case's index is its position in the list the shard evaluates.
      for (const part of parts)
        expect(Array.from(part[s]?.cases ?? [], (c) => c.index)).toEqual(Array.from(part[s]?.cases ?? [], (_, i) => i));
    }
    // The same case is in the same shard whichever suite holds it.
    const inA = new Set(Array.from(parts[0]?.[0]?.cases ?? [], (c) => c.id));
    for (const c of parts[0]?.[1]?.cases ?? []) if (Number(c.id.slice(5)) < 500) expect(inA.has(c.id)).toBe(true);
  });

  it('names the full case lists of the suites: any change of a suite, a case or the order shows', () => {
    const base = suiteCaseIdsHash([input('a', ['1', '2']), input('b', ['3'])]);
    expect(suiteCaseIdsHash([input('b', ['3']), input('a', ['1', '2'])])).toBe(base);
    expect(suiteCaseIdsHash([input('a', ['1', '2', '4']), input('b', ['3'])])).not.toBe(base);
    expect(suiteCaseIdsHash([input('a', ['2', '1']), input('b', ['3'])])).not.toBe(base);
    expect(suiteCaseIdsHash([input('a', ['1', '2']), input('c', ['3'])])).not.toBe(base);
  });
});
