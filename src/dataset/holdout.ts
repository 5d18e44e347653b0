import { createHash } from 'node:crypto';
import type { HoldoutSpec } from '../suite/types.js';

/**
 * Which side of the holdout a case id falls on. The side is a hash of the seed and the id alone, so it
 * never depends on the other rows: adding, removing or reordering rows (with a `dataset.id`, or rows
 * appended at the end) never moves an existing row from one side to the other.
 */
export function holdoutSide(caseId: string, holdout: HoldoutSpec): 'eval' | 'train' {
  const digest = createHash('sha256').update(`${holdout.seed}\u0000${caseId}`).digest();
  // 32 bits of the hash as a uniform number in [0, 1).
  return digest.readUInt32BE(0) / 4294967296 < holdout.eval ? 'eval' : 'train';
}

/** Splits items by their case id into the eval part and the train part, each in input order. */
export function splitByHoldout<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  holdout: HoldoutSpec,
): { eval: T[]; train: T[] } {
  const parts: { eval: T[]; train: T[] } = { eval: [], train: [] };
  for (const item of items) parts[holdoutSide(idOf(item), holdout)].push(item);
  return parts;
}
