import { describe, expect, it } from 'vitest';
import { perturbInput } from '../../src/fragility/perturb-input.js';
import { LETTERS_PER_TYPO, QWERTY_NEIGHBOURS } from '../../src/fragility/perturb-typos.js';
import {
  FILLER_PREFIXES,
  FILLER_SUFFIXES,
  INPUT_FAMILIES,
  type InputFamily,
} from '../../src/suite/fragility-families.js';

const SAMPLES = [
  'Where is my new card? I ordered it last week, and it still has not arrived.',
  'hi',
  'Überweisung für das Café — wann kommt sie an? Ça marche, señor.',
  'I paid 1,000.50 EUR on 2024-05-01 at 12:30, twice.',
  'Mail bob.smith@example.com or see https://example.com/a,b?x=1 for details',
  'Template {{name}} and {{ user.id }} stay exactly as written, please',
  '日本語のカードが届きません',
  'emoji 👍 works , right ?',
];
/** Half of a surrogate pair on its own: a code point cut in two. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const key = (index = 0, caseId = 'case-1') => ({ caseId, seed: 7, index });

/** Spans a perturbation must keep verbatim, in order (numbers, e-mails, URLs, {{…}}). */
const protectedTexts = (text: string) =>
  [...text.matchAll(/\{\{[\s\S]*?\}\}|https?:\/\/\S+|\S+@\S+\.\w+|\d(?:[\d.,:/-]*\d)?/g)].map((m) => m[0]);
const words = (text: string) => text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];

describe('perturbInput is deterministic and always changes the input', () => {
  it.each(INPUT_FAMILIES)('%s: same key, same output; another index, another output', (family) => {
    const input = SAMPLES[0] as string;
    const outputs = [0, 1, 2].map((index) => perturbInput(input, family, key(index)));
    expect(outputs).toEqual([0, 1, 2].map((index) => perturbInput(input, family, key(index))));
    expect(new Set(outputs).size).toBe(3);
    for (const output of outputs) expect(output).not.toBe(input);
    expect(perturbInput(input, family, key(0, 'case-2'))).toBeDefined();
  });

  it.each(SAMPLES)('never returns its input unchanged, for every family: %s', (input) => {
    for (const family of INPUT_FAMILIES) {
      for (let index = 0; index < 5; index++) {
        const output = perturbInput(input, family, key(index));
        if (output !== undefined) {
          expect(output).not.toBe(input);
          expect(output).not.toMatch(LONE_SURROGATE);
        }
      }
    }
  });

  it('says undefined when a family cannot change the input', () => {
    for (const family of INPUT_FAMILIES) expect(perturbInput('   ', family, key())).toBeUndefined();
    expect(perturbInput('12 345 67', 'typos', key())).toBeUndefined();
    expect(perturbInput('https://example.com/path', 'typos', key())).toBeUndefined();
    expect(perturbInput('1234 ?', 'case', key())).toBeUndefined();
    expect(perturbInput('日本語', 'typos', key())).toBeUndefined();
  });
});

function checkTypos(input: string, output: string) {
  const before = [...input];
  const after = [...output];
  expect(after).toHaveLength(before.length);
  let changed = 0;
  before.forEach((letter, i) => {
    const typed = after[i] as string;
    if (typed === letter) return;
    changed++;
    expect(QWERTY_NEIGHBOURS[letter.toLowerCase()]).toContain(typed.toLowerCase());
    expect(typed === typed.toUpperCase()).toBe(letter === letter.toUpperCase());
  });
  expect(changed).toBeGreaterThan(0);
  return changed;
}

describe('each family keeps the meaning', () => {
  it.each(SAMPLES)('typos: keyboard neighbours only, outside numbers, URLs, e-mails and {{…}}: %s', (input) => {
    const output = perturbInput(input, 'typos', key());
    if (output === undefined) return;
    checkTypos(input, output);
    expect(protectedTexts(output)).toEqual(protectedTexts(input));
    // Accented letters keep their accents.
    expect(output.match(/[^\p{ASCII}]/gu)).toEqual(input.match(/[^\p{ASCII}]/gu));
  });

  it('typos: about one per 12 letters, never the first letter of a word shorter than 3', () => {
    const input = 'an ox is at my door so I go to it';
    for (let index = 0; index < 50; index++) {
      const output = perturbInput(input, 'typos', key(index)) as string;
      const pairs = input.split(' ').map((word, i) => [word, output.split(' ')[i] as string]);
      for (const [word, typed] of pairs) if ((word as string).length < 3) expect(typed?.[0]).toBe(word?.[0]);
    }
    const long = 'the quick brown fox jumps over the lazy dog '.repeat(10);
    const letters = long.replace(/[^a-z]/g, '').length;
    expect(checkTypos(long, perturbInput(long, 'typos', key()) as string)).toBe(Math.round(letters / LETTERS_PER_TYPO));
    expect(checkTypos('hi', perturbInput('hi', 'typos', key()) as string)).toBe(1);
  });

  it.each(SAMPLES)('case: only letter case changes, protected spans verbatim: %s', (input) => {
    const output = perturbInput(input, 'case', key());
    if (output === undefined) return;
    expect(output.toLowerCase()).toBe(input.toLowerCase());
    expect(protectedTexts(output)).toEqual(protectedTexts(input));
  });

  it.each(SAMPLES)('whitespace: only spaces move, no two words are joined: %s', (input) => {
    for (let index = 0; index < 5; index++) {
      const output = perturbInput(input, 'whitespace', key(index)) as string;
      expect(output.replace(/\s/g, '')).toBe(input.replace(/\s/g, ''));
      expect(output.split(/[\s,.!?;:]+/).filter(Boolean)).toEqual(input.split(/[\s,.!?;:]+/).filter(Boolean));
      expect(protectedTexts(output)).toEqual(protectedTexts(input));
    }
  });

  it.each(SAMPLES)('punctuation: marks dropped or added between words or at the end, never in numbers: %s', (input) => {
    for (let index = 0; index < 5; index++) {
      const output = perturbInput(input, 'punctuation', key(index));
      if (output === undefined) continue;
      const bare = (text: string) =>
        text
          .replace(/[,.!?…]/g, '')
          .replace(/\s+/g, ' ')
          .trim();
      expect(bare(output)).toBe(bare(input));
      expect(words(output)).toEqual(words(input));
      expect(protectedTexts(output)).toEqual(protectedTexts(input));
    }
  });

  it.each(SAMPLES)('filler: a polite phrase before or after the input, which stays whole: %s', (input) => {
    for (let index = 0; index < 5; index++) {
      const output = perturbInput(input, 'filler', key(index)) as string;
      let rest = output;
      const prefix = FILLER_PREFIXES.find((phrase) => rest.startsWith(`${phrase} `));
      if (prefix) rest = rest.slice(prefix.length + 1);
      // The input may itself end in a filler word ("…, please"): strip a suffix only when something was added.
      const suffix = FILLER_SUFFIXES.find((phrase) => rest !== input && rest.endsWith(` ${phrase}`));
      if (suffix) rest = rest.slice(0, -suffix.length - 1);
      expect(prefix ?? suffix).toBeDefined();
      expect(rest).toBe(input);
    }
  });

  it.each(['typos', 'case', 'whitespace', 'punctuation', 'filler'] as InputFamily[])(
    '%s on a 100 KB input keeps every number (its speed is measured by bench/units.ts)',
    (family) => {
      const input = 'Order 12,345.67 arrived late; email help@shop.example or call 555-0100. '.repeat(1400);
      expect(input.length).toBeGreaterThan(100_000);
      const output = perturbInput(input, family, key()) as string;
      expect(output).not.toBe(input);
      expect(protectedTexts(output)).toEqual(protectedTexts(input));
    },
  );
});
