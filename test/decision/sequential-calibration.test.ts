import { describe, expect, it } from 'vitest';
import { drawWorld } from '../../bench/sequential-worlds.js';
import { assessLook, conditionalPower, firstStop, planSequential } from '../../src/decision/sequential-test.js';

const WORLDS = 400;
const margin = 0.05;
const plan = planSequential({ planned: 600, looks: 5, confidence: 0.95, margin });

describe('sequential non-inferiority: calibration over seeded worlds', () => {
  it(`at the margin (true d = −δ) the false "non-inferior" rate stays ≤ α + 2 MC s.e. over ${WORLDS} worlds`, () => {
    // p01 − p10 = −0.05: exactly the largest loss still called inferior.
    const world = { p10: 0.1, p01: 0.05, p11: 0.7 };
    let falseSwitches = 0;
    let looksUsed = 0;
    for (let seed = 1; seed <= WORLDS; seed++) {
      const stop = firstStop(plan, drawWorld(world, plan.planned, seed));
      if (stop.stop === 'non-inferior') falseSwitches++;
      looksUsed += stop.look;
    }
    const rate = falseSwitches / WORLDS;
    const mcError = Math.sqrt((plan.alpha * (1 - plan.alpha)) / WORLDS);
    expect(rate).toBeLessThanOrEqual(plan.alpha + 2 * mcError);
    // Futility ends most margin worlds early: the looks are not all taken.
    expect(looksUsed / WORLDS).toBeLessThan(4);
  });

  it('a clearly non-inferior candidate stops early for efficacy in most worlds', () => {
    const world = { p10: 0.05, p01: 0.08, p11: 0.7 };
    let early = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const stop = firstStop(plan, drawWorld(world, plan.planned, seed));
      if (stop.stop === 'non-inferior' && stop.look < plan.sizes.length) early++;
    }
    expect(early).toBeGreaterThan(80);
  });

  it('a candidate far beyond the margin stops early as worse', () => {
    const world = { p10: 0.2, p01: 0.02, p11: 0.6 };
    const stop = firstStop(plan, drawWorld(world, plan.planned, 7));
    expect(stop.stop).toBe('worse');
    expect(stop.look).toBeLessThan(plan.sizes.length);
    expect(stop.interval.high).toBeLessThan(-margin);
  });
});

describe('assessLook', () => {
  it('stops at the first look only when the repeated interval at its 99.9999%-level clears the margin', () => {
    // 120 pairs, 10 discordant both ways: d = 0, Newcombe at the first look's level is wider than ±δ.
    const counts = { n11: 90, n10: 5, n01: 5, n00: 20 };
    const look = assessLook(plan, 1, counts);
    expect(look.bound).toBeCloseTo(4.877, 2);
    expect(look.interval.level).toBeGreaterThan(0.99999);
    expect(look.interval.low).toBeLessThan(-margin);
    expect(look.stop).not.toBe('non-inferior');
  });

  it('says max-reached at the last look when nothing is settled', () => {
    const counts = { n11: 400, n10: 50, n01: 30, n00: 120 };
    const look = assessLook(plan, 5, counts);
    expect(look.stop).toBe('max-reached');
    expect(look.interval.low).toBeLessThan(-margin);
    expect(look.interval.high).toBeGreaterThan(-margin);
  });

  it('conditional power under the trend: ½ when the trend lands exactly on the last bound', () => {
    // z/√t = b_K: the projected final z is the bound itself.
    expect(conditionalPower(2 * Math.sqrt(0.5), 0.5, 2)).toBeCloseTo(0.5, 10);
    expect(conditionalPower(0, 0.2, 2.03)).toBeLessThan(0.1);
  });
});
