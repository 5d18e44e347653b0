import { mulberry32 } from '../../src/dataset/sample.js';
import type { FragilityObservation } from '../../src/fragility/measure.js';
import type { PerturbationFamily } from '../../src/suite/fragility-families.js';

/**
 * A world with known flip probabilities and case-level heterogeneity: a quarter of the cases are
 * "fragile" (flip probability 3.4 p), the rest steady (0.2 p), so the population mean is exactly p but
 * a case's perturbations flip together — the clustering an i.i.d. interval ignores.
 */
export interface WorldOptions {
  seed: number;
  cases: number;
  perCase: number;
  truth: Partial<Record<PerturbationFamily, number>>;
  accuracy?: number;
  /** Share of fragile cases; 0 gives a homogeneous world. */
  fragileShare?: number;
}

export function caseFlipProbability(p: number, fragile: boolean, fragileShare: number): number {
  if (fragileShare === 0) return p;
  const steady = 0.2 * p;
  return fragile ? (p - (1 - fragileShare) * steady) / fragileShare : steady;
}

export function syntheticWorld(options: WorldOptions): FragilityObservation[] {
  const { seed, cases, perCase, truth, accuracy = 0.8, fragileShare = 0.25 } = options;
  const random = mulberry32(seed);
  const observations: FragilityObservation[] = [];
  for (let c = 0; c < cases; c++) {
    const caseId = `case-${c}`;
    const baseCorrect = random() < accuracy;
    const baseAnswer = baseCorrect ? 'right' : 'wrong';
    const fragile = random() < fragileShare;
    for (const [family, p] of Object.entries(truth) as [PerturbationFamily, number][]) {
      const flipProbability = caseFlipProbability(p, fragile, fragileShare);
      for (let k = 0; k < perCase; k++) {
        const flipped = random() < flipProbability;
        // A flipped answer is a wrong one different from the base answer (as in the simulator).
        const answer = flipped ? `other-${k}` : baseAnswer;
        observations.push({ caseId, family, answer, correct: !flipped && baseCorrect, baseAnswer, baseCorrect });
      }
    }
  }
  return observations;
}
