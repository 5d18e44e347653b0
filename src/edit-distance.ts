export interface EditDistanceOptions {
  /** Count swapping two adjacent characters (`modle` → `model`) as one edit, not two (Damerau, optimal string alignment). */
  transpositions?: boolean;
}

/**
 * Levenshtein distance of `a` and `b` (UTF-16 units), or `max + 1` as soon as it must exceed `max`: only a
 * band of width 2·max around the diagonal is computed, so a bounded check costs O(length × max).
 * With `transpositions`, an adjacent swap is one edit (the optimal string alignment distance).
 */
export function editDistanceWithin(a: string, b: string, max: number, options: EditDistanceOptions = {}): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  const band = Math.min(max, Math.max(a.length, n));
  const beyond = band + 1;
  // A transposition reads two rows back; rows are rotated, never reallocated.
  let beforePrevious = new Int32Array(n + 1);
  let previous = new Int32Array(n + 1);
  let current = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = Math.min(j, beyond);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(n, i + band);
    current[from - 1] = from === 1 ? Math.min(i, beyond) : beyond;
    let rowBest = current[from - 1] as number;
    const code = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const substitution = (previous[j - 1] as number) + (code === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = (previous[j] as number) + 1;
      const insertion = (current[j - 1] as number) + 1;
      let cell = Math.min(substitution, deletion, insertion, beyond);
      const swapped =
        options.transpositions &&
        i > 1 &&
        j > 1 &&
        code === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1);
      // Row i-2's band covers column j-2, so the cell read here was computed, not left over.
      if (swapped) cell = Math.min(cell, (beforePrevious[j - 2] as number) + 1);
      current[j] = cell;
      if (cell < rowBest) rowBest = cell;
    }
    // The next row reads one cell past this band: mark it out of reach, not left over from an older row.
    if (to < n) current[to + 1] = beyond;
    // A transposition costs at least what a substitution in the row between does, so this exit stays exact.
    if (rowBest > max) return max + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return Math.min(previous[n] as number, max + 1);
}

export function levenshtein(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/** Edits between `a` and `b` when an adjacent swap counts as one (optimal string alignment). */
export function damerauLevenshtein(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length), { transpositions: true });
}

/**
 * ` (did you mean "x"?)` for the allowed name closest to `unknown`, or '' when none is close. A typo
 * that swaps two letters is one edit, so `modle` suggests `model` rather than `role`.
 */
export function didYouMean(unknown: string, allowed: readonly string[]): string {
  const ranked = allowed
    .map((name) => ({ name, distance: damerauLevenshtein(unknown.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  return best && best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? ` (did you mean "${best.name}"?)` : '';
}
