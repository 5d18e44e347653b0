export { compareVariants, FLIPPED_CASES_KEPT } from './compare.js';
export { computeEconomics } from './economics.js';
export { type Regression, regressionAgainstReference } from './regression.js';
export { additionalPairsNeeded, requiredPairs } from './sample-size.js';
export * from './statistics.js';
export type * from './types.js';
export { decide, pickVariants } from './verdict.js';
