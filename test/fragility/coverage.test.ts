import { describe, expect, it } from 'vitest';
import { measureFragility } from '../../src/fragility/measure.js';
import { wilson } from '../../src/scoring/intervals.js';
import type { PerturbationFamily } from '../../src/suite/fragility-families.js';
import { syntheticWorld } from './synthetic-world.js';

/**
 * 200 seeded worlds with known flip probabilities per family, case-level heterogeneity (a quarter of
 * the cases flip far more often), 100 cases × 3 perturbations per family: how often does the 95%
 * interval cover the truth? And how often would an interval that treats every call as independent?
 */
const WORLDS = 200;
const truth: Partial<Record<PerturbationFamily, number>> = { typos: 0.12, case: 0.02, instruction: 0.3 };
const pooledTruth = (0.12 + 0.02 + 0.3) / 3;

describe('fragility intervals over 200 seeded worlds', () => {
  const covered: Record<string, number> = {};
  const coveredIid: Record<string, number> = {};
  const count = (tally: Record<string, number>, name: string, hit: boolean) => {
    tally[name] = (tally[name] ?? 0) + (hit ? 1 : 0);
  };
  for (let seed = 1; seed <= WORLDS; seed++) {
    const stats = measureFragility(syntheticWorld({ seed, cases: 100, perCase: 3, truth }), {
      confidence: 0.95,
      seed,
    });
    for (const [family, p] of Object.entries(truth)) {
      const measured = stats.by_perturbation[family as PerturbationFamily];
      if (!measured) throw new Error(`no ${family} calls measured`);
      const [low, high] = measured.flip_rate_ci;
      count(covered, family, low <= p && p <= high);
      const [iidLow, iidHigh] = wilson(Math.round(measured.flip_rate * measured.n), measured.n, 0.95);
      count(coveredIid, family, iidLow <= p && p <= iidHigh);
    }
    count(covered, 'pooled', stats.flip_rate_ci[0] <= pooledTruth && pooledTruth <= stats.flip_rate_ci[1]);
  }
  const share = (tally: Record<string, number>) =>
    Object.fromEntries(Object.entries(tally).map(([name, hits]) => [name, hits / WORLDS]));
  console.log('coverage of the clustered 95% interval:', share(covered));
  console.log('coverage of an i.i.d. Wilson interval :', share(coveredIid));

  it.each([...Object.keys(truth), 'pooled'])(
    '%s: the clustered 95 percent interval covers the truth at about that rate',
    (name) => {
      const coverage = (covered[name] ?? 0) / WORLDS;
      expect(coverage).toBeGreaterThanOrEqual(0.9);
      expect(coverage).toBeLessThanOrEqual(0.99);
    },
  );

  it('an interval that ignores the clustering under-covers the heterogeneous family', () => {
    expect((coveredIid.instruction ?? 0) / WORLDS).toBeLessThan(0.88);
  });
});
