import { mulberry32 } from '../dataset/sample.js';

/** Items without a label form one stratum of their own. */
const UNLABELLED = '\u0000unlabelled';

/**
 * Stratified, seeded train/validation split. Within each label, round(n × fraction) items go to validation,
 * but never all of them: a label with any items keeps at least one in train (the model must see it).
 * Both halves keep the input order, so the same seed and input always give the same files.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  labelOf: (item: T) => string | undefined,
  fraction: number,
  seed: number,
): { train: T[]; validation: T[] } {
  const strata = new Map<string, number[]>();
  for (const [index, item] of items.entries()) {
    const key = labelOf(item) ?? UNLABELLED;
    const list = strata.get(key);
    if (list) list.push(index);
    else strata.set(key, [index]);
  }
  const random = mulberry32(seed);
  const inValidation = new Set<number>();
  // Map iteration follows first appearance, so the random stream is consumed in a stable order.
  for (const indices of strata.values()) {
    const take = Math.min(Math.round(indices.length * fraction), indices.length - 1);
    // Partial Fisher–Yates: the first `take` positions become a uniform random subset.
    const pool = [...indices];
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
      inValidation.add(pool[i] as number);
    }
  }
  const train: T[] = [];
  const validation: T[] = [];
  for (const [index, item] of items.entries()) (inValidation.has(index) ? validation : train).push(item);
  return { train, validation };
}
