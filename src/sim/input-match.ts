import { FILLER_PREFIXES, FILLER_SUFFIXES, type InputFamily } from '../suite/fragility-families.js';
import { NearIndex } from './near-index.js';

const PUNCTUATION = /\p{P}/gu;
const WHITESPACE = /\s+/u;

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, ' ')
    .split(WHITESPACE)
    .filter((word) => word !== '');
}

const PREFIX_PHRASES = FILLER_PREFIXES.map(words);
const SUFFIX_PHRASES = FILLER_SUFFIXES.map(words);

function phraseAt(list: readonly string[], at: number, phrase: readonly string[]): boolean {
  return phrase.every((word, i) => list[at + i] === word);
}

/**
 * What a perturbed input keeps: lowercase, punctuation read as a space (so a dropped comma or a removed
 * space beside one reads the same), whitespace collapsed, polite filler stripped at the start and the end
 * (never all of it: an input that is only "thanks!" stays itself).
 */
export function canonicalInput(text: string): string {
  const list = words(text);
  let start = 0;
  let end = list.length;
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const phrase of PREFIX_PHRASES) {
      if (end - start > phrase.length && phraseAt(list, start, phrase)) {
        start += phrase.length;
        stripped = true;
      }
    }
    for (const phrase of SUFFIX_PHRASES) {
      if (end - start > phrase.length && phraseAt(list, end - phrase.length, phrase)) {
        end -= phrase.length;
        stripped = true;
      }
    }
  }
  return list.slice(start, end).join(' ');
}

/** Lowercase, punctuation read as a space, whitespace collapsed; filler kept (a typo may fall inside it). */
const spelling = (text: string) => words(text).join(' ');

const withoutSpaces = (text: string) => text.replace(/\s+/gu, '');
const withoutPunctuation = (text: string) =>
  text
    .replace(PUNCTUATION, ' ')
    .split(WHITESPACE)
    .filter((word) => word !== '')
    .join(' ');

/**
 * Which family turned `original` into `sent`, two texts with the same canonical form: what differs is
 * only whitespace, only letter case, only punctuation, or else the filler the canonical form strips.
 */
export function inputFamily(sent: string, original: string): InputFamily {
  if (withoutSpaces(sent) === withoutSpaces(original)) return 'whitespace';
  if (sent.toLowerCase() === original.toLowerCase() || sent.toUpperCase() === original.toUpperCase()) return 'case';
  if (withoutPunctuation(sent) === withoutPunctuation(original)) return 'punctuation';
  return 'filler';
}

export interface InputMatch {
  /** The case asked about. */
  index: number;
  family: InputFamily;
}

/** The inputs (cases and their aliases) by canonical form, and a near-match index over those forms. */
export class PerturbedInputIndex {
  private readonly byCanonical = new Map<string, { index: number; text: string }>();
  private readonly near = new NearIndex();
  private readonly nearCases: number[] = [];

  add(text: string, index: number): void {
    const form = canonicalInput(text);
    if (form === '' || this.byCanonical.has(form)) return; // the first input of a form keeps it, like exact lookup
    this.byCanonical.set(form, { index, text });
    this.nearCases[this.near.add(spelling(text))] = index;
  }

  /** The case whose input `text` is, up to case, whitespace, punctuation and filler. */
  canonicalMatch(text: string): InputMatch | undefined {
    const trimmed = text.trim();
    const known = this.byCanonical.get(canonicalInput(trimmed));
    return known && { index: known.index, family: inputFamily(trimmed, known.text) };
  }

  /** The case whose input `text` is with a few letters changed (a typo), found through the trigram index. */
  typoMatch(text: string): InputMatch | undefined {
    const form = spelling(text);
    if (form === '') return undefined;
    const slot = this.near.nearest(form);
    return slot === undefined ? undefined : { index: this.nearCases[slot] as number, family: 'typos' };
  }
}
