import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/dataset/sample.js';
import { computeDrift, type DriftMeasure, type SuiteDriftInput } from '../../src/decision/drift.js';
import { defaults } from '../../src/suite/schema.js';

/**
 * Calibration of the drift alert: seeded histories of a reference night and a later night, three
 * suites of two variants each (a family of six tests, as a nightly run of several suites makes).
 * Cases differ in difficulty (a quarter are hard) and every answer is redrawn each night, so about
 * 14% of the cases flip between two nights of the same model — noisier than a model at temperature
 * 0, which makes the power asserted here a floor. With no true change, the alert must fire on at
 * most α of the runs; a true 10-point drop of one variant at n = 400 must be caught.
 */
const TRIALS = 200;
const CASES = 400;
const SUITES = 3;
const VARIANTS = ['prompted', 'finetuned'];
const ALPHA = Number((1 - defaults.decision.confidence).toFixed(10));
const ids = Array.from({ length: CASES }, (_, i) => `case-${i}`);

/** Per-case probability of a right answer: 75% easy cases at 0.98, 25% hard ones at 0.66 (mean 0.90). */
function difficulties(random: () => number): number[] {
  return ids.map(() => (random() < 0.75 ? 0.98 : 0.66));
}

function night(random: () => number, chances: number[], scale: number): DriftMeasure {
  const correct = Uint8Array.from(chances, (p) => (random() < p * scale ? 1 : 0));
  return {
    model: 'm',
    accuracy: correct.reduce((a, b) => a + b, 0) / CASES,
    latency_p95_ms: null,
    cost_per_1k_usd: null,
    outcomes: { ids, correct, answered: new Uint8Array(CASES).fill(1) },
  };
}

/** One seeded history: every variant's reference night, then tonight, where `dropped` lost accuracy by `scale`. */
function history(trial: number, scale: number) {
  const random = mulberry32(9000 + trial);
  const run = { run_id: 'reference', date: '2026-01-01T00:00:00.000Z', commit: null };
  const inputs: SuiteDriftInput[] = [];
  for (let s = 0; s < SUITES; s++) {
    const variants: SuiteDriftInput['variants'] = {};
    for (const name of VARIANTS) {
      const chances = difficulties(random);
      const reference = { ...night(random, chances, 1), run };
      const dropped = s === 0 && name === 'finetuned';
      variants[name] = { reference, current: night(random, chances, dropped ? scale : 1) };
    }
    inputs.push({ suite: `suite-${s}`, policy: defaults.decision, against: run, previous: null, variants });
  }
  return computeDrift(inputs);
}

describe('drift alert calibration', () => {
  it(`fires on at most α = ${ALPHA} of ${TRIALS} A/A runs (no true change)`, () => {
    let alerts = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      if (history(trial, 1).some((suite) => suite.status === 'drift')) alerts += 1;
    }
    console.info(`drift calibration: A/A alert rate ${alerts}/${TRIALS} = ${(alerts / TRIALS).toFixed(3)}`);
    expect(alerts / TRIALS).toBeLessThanOrEqual(ALPHA);
  });

  it('catches a true 10-point drop (90% → 80%) at n = 400 in at least 95% of runs, and only there', () => {
    let caught = 0;
    let elsewhere = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const [first, ...others] = history(trial, 0.8 / 0.9);
      if (first?.variants.finetuned?.drifted) caught += 1;
      if (first?.variants.prompted?.drifted || others.some((s) => s.status === 'drift')) elsewhere += 1;
    }
    console.info(`drift calibration: 10-point drop caught ${caught}/${TRIALS} = ${(caught / TRIALS).toFixed(3)}`);
    expect(caught / TRIALS).toBeGreaterThanOrEqual(0.95);
    expect(elsewhere / TRIALS).toBeLessThanOrEqual(ALPHA);
  });
});
