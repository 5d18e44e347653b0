import { mulberry32 } from '../dataset/sample.js';
import { hash32, key } from '../hash.js';

/** What makes one perturbation reproducible: the case, the suite's fragility seed, and which of its perturbations. */
export interface PerturbationKey {
  caseId: string;
  seed: number;
  index: number;
}

/**
 * A PRNG seeded from the key and a purpose (family name), so each (case, seed, index, family) draws its
 * own stream: the same key always gives the same perturbation, whatever else the run perturbs.
 */
export function keyedRandom(perturbation: PerturbationKey, purpose: string): () => number {
  return mulberry32(hash32(perturbation.seed, key(purpose, perturbation.caseId, perturbation.index)));
}

/** An integer in [0, n). */
export function pick(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/**
 * Chooses one of `count` options for the key so that consecutive indices of one case take consecutive
 * options (from a hashed start): a case's first `count` perturbations are all different.
 */
export function rotatingChoice(perturbation: PerturbationKey, purpose: string, count: number): number {
  const start = hash32(perturbation.seed, key(purpose, perturbation.caseId)) % count;
  return (start + perturbation.index) % count;
}
