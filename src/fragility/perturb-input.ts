/**
 * Meaning-preserving changes to a user's input, one family at a time, deterministic per key. Each
 * family changes only what cannot change the request: never a protected span (numbers, URLs, e-mail
 * addresses, `{{…}}`), never two words into one. The expected answer is not an argument, so it cannot
 * be touched. Positions are UTF-16 indices, but every edit lands on whole code points.
 */
import { FILLER_PREFIXES, FILLER_SUFFIXES, type InputFamily } from '../suite/fragility-families.js';
import { keyedRandom, type PerturbationKey, pick, rotatingChoice } from './keyed-random.js';
import { perturbTypos } from './perturb-typos.js';
import { protectedMask, touchesProtected } from './protected-spans.js';

export type { PerturbationKey } from './keyed-random.js';

const WORD = /[\p{L}\p{M}]+/gu;

/** Applies `change` to the runs of the input outside protected spans. */
function outsideProtected(input: string, change: (text: string, start: number) => string): string {
  const mask = protectedMask(input);
  const parts: string[] = [];
  let start = 0;
  while (start < input.length) {
    let end = start;
    while (end < input.length && mask[end] === mask[start]) end++;
    const run = input.slice(start, end);
    parts.push(mask[start] ? run : change(run, start));
    start = end;
  }
  return parts.join('');
}

const titleWord = (word: string) => {
  const [first = '', ...rest] = word;
  return first.toUpperCase() + rest.join('').toLowerCase();
};

function toggleFirstLetter(input: string): string {
  let done = false;
  return outsideProtected(input, (run) =>
    run.replace(/\p{L}/u, (letter) => {
      if (done) return letter;
      done = true;
      return letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase();
    }),
  );
}

/** All lower case, all upper case, Title Case, or the first letter's case flipped. */
function perturbCase(input: string, perturbation: PerturbationKey): string | undefined {
  const variants = [
    outsideProtected(input, (run) => run.toLowerCase()),
    outsideProtected(input, (run) => run.toUpperCase()),
    outsideProtected(input, (run) => run.replace(WORD, titleWord)),
    toggleFirstLetter(input),
  ];
  const distinct = [...new Set(variants)].filter((variant) => variant !== input);
  if (distinct.length === 0) return undefined;
  return distinct[rotatingChoice(perturbation, 'case', distinct.length)];
}

/** Positions (UTF-16) of characters matching `pattern` whose match does not touch a protected span. */
function freePositions(input: string, pattern: RegExp, mask: Uint8Array): number[] {
  const positions: number[] = [];
  for (const match of input.matchAll(pattern)) {
    if (!touchesProtected(mask, match.index - 1, match.index + match[0].length + 1)) positions.push(match.index);
  }
  return positions;
}

/** A random non-empty subset of `positions`, about one in `every`. */
function someOf(positions: number[], random: () => number, every: number): Set<number> {
  const chosen = new Set(positions.filter(() => random() < 1 / every));
  if (chosen.size === 0 && positions.length > 0) chosen.add(positions[pick(random, positions.length)] as number);
  return chosen;
}

/** Rebuilds `input` with `edit(position)` replacing the character at each chosen position. */
function editAt(input: string, chosen: Set<number>, edit: (character: string) => string): string {
  const parts: string[] = [];
  let last = 0;
  for (const position of [...chosen].sort((a, b) => a - b)) {
    parts.push(input.slice(last, position), edit(input[position] as string));
    last = position + 1;
  }
  parts.push(input.slice(last));
  return parts.join('');
}

type Edit = (input: string, mask: Uint8Array, random: () => number) => string | undefined;

/** Picks one applicable edit, rotating with the index so a case's perturbations differ. */
function oneOfEdits(input: string, perturbation: PerturbationKey, family: string, edits: Edit[]) {
  const mask = protectedMask(input);
  const random = keyedRandom(perturbation, family);
  const results = edits.map((edit) => edit(input, mask, random)).filter((out) => out !== undefined && out !== input);
  if (results.length === 0) return undefined;
  return results[rotatingChoice(perturbation, family, results.length)];
}

const END_PUNCTUATION = /[.!?…]+(?=\s*$)/u;
/** A mark followed by a space or the end: spacing around it never joins two words. */
const SPACED_MARK = /(?<=\S) ?[,.!?;:](?=\s|$)/gu;

const whitespaceEdits: Edit[] = [
  (input, _mask, random) => [` ${input}`, `${input} `, `  ${input} `][pick(random, 3)],
  (input, mask, random) => editAt(input, someOf(freePositions(input, /(?<=\S) (?=\S)/gu, mask), random, 4), () => '  '),
  (input, mask) => {
    const runs = freePositions(input, /(?<=\S) {2,}(?=\S)/gu, mask);
    return runs.length === 0
      ? undefined
      : input.replace(/(?<=\S) {2,}(?=\S)/gu, (run, at: number) => (runs.includes(at) ? ' ' : run));
  },
  (input, mask, random) => {
    const marks = freePositions(input, SPACED_MARK, mask).filter((at) => input[at] !== ' ');
    return marks.length === 0 ? undefined : editAt(input, someOf(marks, random, 3), (mark) => ` ${mark}`);
  },
  (input, mask, random) => {
    const spaces = freePositions(input, SPACED_MARK, mask).filter((at) => input[at] === ' ');
    return spaces.length === 0 ? undefined : editAt(input, someOf(spaces, random, 2), () => '');
  },
];

const punctuationEdits: Edit[] = [
  (input, mask) => {
    const end = END_PUNCTUATION.exec(input);
    if (!end || touchesProtected(mask, end.index - 1, end.index + end[0].length)) return undefined;
    const dropped = input.slice(0, end.index) + input.slice(end.index + end[0].length);
    return dropped.trim() === '' ? undefined : dropped;
  },
  (input, mask, random) => {
    const body = input.trimEnd();
    if (END_PUNCTUATION.test(body) || touchesProtected(mask, body.length - 1, body.length)) return undefined;
    if (!/[\p{L}\p{M}\p{N})"'”’]$/u.test(body)) return undefined;
    return body + ['.', '?', '!'][pick(random, 3)] + input.slice(body.length);
  },
  (input, mask, random) => {
    const commas = freePositions(input, /(?<=[\p{L}\p{M}]),(?= )/gu, mask);
    return commas.length === 0 ? undefined : editAt(input, someOf(commas, random, 2), () => '');
  },
  (input, mask, random) => {
    const gaps = freePositions(input, /(?<=[\p{L}\p{M}]) (?=[\p{L}])/gu, mask);
    return gaps.length === 0
      ? undefined
      : editAt(input, new Set([gaps[pick(random, gaps.length)] as number]), () => ', ');
  },
];

/** A polite prefix, suffix or both (35 combinations, rotating with the index). */
function perturbFiller(input: string, perturbation: PerturbationKey): string {
  const prefixes = ['', ...FILLER_PREFIXES];
  const suffixes = ['', ...FILLER_SUFFIXES];
  const choice = 1 + rotatingChoice(perturbation, 'filler', prefixes.length * suffixes.length - 1);
  const prefix = prefixes[Math.floor(choice / suffixes.length)] as string;
  const suffix = suffixes[choice % suffixes.length] as string;
  const body = input.trimEnd();
  const withSuffix = suffix === '' ? input : `${body} ${suffix}${input.slice(body.length)}`;
  return prefix === '' ? withSuffix : `${prefix} ${withSuffix}`;
}

/**
 * The input perturbed by `family`, or undefined when the family cannot change it (no letters to
 * mistype, no letters to recase, a blank input). Never the input unchanged.
 */
export function perturbInput(input: string, family: InputFamily, perturbation: PerturbationKey): string | undefined {
  if (input.trim() === '') return undefined;
  let perturbed: string | undefined;
  if (family === 'typos') perturbed = perturbTypos(input, perturbation);
  else if (family === 'case') perturbed = perturbCase(input, perturbation);
  else if (family === 'whitespace') perturbed = oneOfEdits(input, perturbation, family, whitespaceEdits);
  else if (family === 'punctuation') perturbed = oneOfEdits(input, perturbation, family, punctuationEdits);
  else perturbed = perturbFiller(input, perturbation);
  return perturbed === input ? undefined : perturbed;
}
