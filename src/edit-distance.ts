/**
 * Levenshtein distance of `a` and `b` (UTF-16 units), or `max + 1` as soon as it must exceed `max`: only a
 * band of width 2·max around the diagonal is computed, so a bounded check costs O(length × max).
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  const band = Math.min(max, Math.max(a.length, n));
  const beyond = band + 1;
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
      const cell = Math.min(substitution, deletion, insertion, beyond);
      current[j] = cell;
      if (cell < rowBest) rowBest = cell;
    }
    // The next row reads one cell past this band: mark it out of reach, not left over from an older row.
    if (to < n) current[to + 1] = beyond;
    if (rowBest > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[n] as number, max + 1);
}

export function levenshtein(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/** ` (did you mean "x"?)` for the allowed name closest to `unknown`, or '' when none is close. */
export function didYouMean(unknown: string, allowed: readonly string[]): string {
  const ranked = allowed
    .map((name) => ({ name, distance: levenshtein(unknown.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  return best && best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? ` (did you mean "${best.name}"?)` : '';
}
