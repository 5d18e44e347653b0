import type { PerturbationKey } from './keyed-random.js';
import { keyedRandom, pick } from './keyed-random.js';
import { protectedMask, touchesProtected } from './protected-spans.js';

/** Keys next to each letter on a QWERTY keyboard (same row and the rows above and below). */
export const QWERTY_NEIGHBOURS: Record<string, string> = {
  q: 'wa',
  w: 'qeas',
  e: 'wrsd',
  r: 'etdf',
  t: 'ryfg',
  y: 'tugh',
  u: 'yihj',
  i: 'uojk',
  o: 'ipkl',
  p: 'ol',
  a: 'qwsz',
  s: 'awedxz',
  d: 'serfcx',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
};

/** About one slip per this many letters that can slip, and always at least one. */
export const LETTERS_PER_TYPO = 12;

/**
 * Letters a typo may replace: ASCII letters (they have QWERTY neighbours; accented and non-Latin letters
 * are left alone) in words outside protected spans, never the first letter of a word shorter than 3 —
 * "a", "I" or "to" mistyped at their start would read as another word.
 */
function typoPositions(input: string): number[] {
  const mask = protectedMask(input);
  const positions: number[] = [];
  for (const word of input.matchAll(/[\p{L}\p{M}]+/gu)) {
    const start = word.index;
    const end = start + word[0].length;
    // A word glued to a protected span (a URL's host, "3rd") belongs to it.
    if (touchesProtected(mask, start - 1, end + 1)) continue;
    const short = word[0].length < 3;
    for (let i = start; i < end; i++) {
      if (short && i === start) continue;
      // A letter carrying a combining accent (e + ◌́) keeps it: replacing it would move the accent.
      if (/\p{M}/u.test(input[i + 1] ?? '')) continue;
      if (QWERTY_NEIGHBOURS[(input[i] as string).toLowerCase()] !== undefined) positions.push(i);
    }
  }
  return positions;
}

/** Keyboard-adjacent substitutions at about one per LETTERS_PER_TYPO letters; case of each letter kept. */
export function perturbTypos(input: string, perturbation: PerturbationKey): string | undefined {
  const positions = typoPositions(input);
  if (positions.length === 0) return undefined;
  const random = keyedRandom(perturbation, 'typos');
  const count = Math.max(1, Math.round(positions.length / LETTERS_PER_TYPO));
  // Partial Fisher–Yates: `count` distinct positions.
  for (let i = 0; i < count; i++) {
    const j = i + pick(random, positions.length - i);
    [positions[i], positions[j]] = [positions[j] as number, positions[i] as number];
  }
  const chosen = positions.slice(0, count).sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const position of chosen) {
    const letter = input[position] as string;
    const neighbours = QWERTY_NEIGHBOURS[letter.toLowerCase()] as string;
    const typed = neighbours[pick(random, neighbours.length)] as string;
    parts.push(input.slice(last, position), letter === letter.toLowerCase() ? typed : typed.toUpperCase());
    last = position + 1;
  }
  parts.push(input.slice(last));
  return parts.join('');
}
