import type { LeakRule } from '../../src/training/decontaminate.js';

/** Eval inputs (BANKING77-like, one long) that the leak shapes below copy. */
export const EVAL = [
  'How do I top up my card using Apple Pay?',
  'My card has not arrived yet, how long does delivery usually take?',
  'Why was I charged a fee when I transferred money to my friend last week?',
  'I ordered a replacement card after mine was stolen at the airport and I still have not received it, even though the ' +
    'app said it would arrive within five working days, so please tell me what is going on',
  'I would like to know how I can change my PIN',
];

/** Each leak shape, the rule that must catch it, and clean rows that must stay. */
export const TABLE: { name: string; text: string; rule: LeakRule | null }[] = [
  { name: 'case and punctuation', text: 'how do i TOP UP my card, using apple pay', rule: 'exact' },
  {
    name: 'eval inside a longer input',
    text: 'Hi! How do I top up my card using Apple Pay? I tried twice already.',
    rule: 'containment',
  },
  { name: 'longer eval holds the input', text: 'why was I charged a fee', rule: 'containment' },
  {
    name: 'a shared 13-word run',
    text:
      'Hello, the app said it would arrive within five working days, so please tell me what is going on with ' +
      'my account because nothing works',
    rule: 'ngram',
  },
  { name: 'one-word change', text: 'How do I top up my account using Apple Pay?', rule: 'near-duplicate' },
  { name: 'typo', text: 'How do I top up my crad using Apple Pay?', rule: 'near-duplicate' },
  { name: 'added word', text: 'How do I quickly top up my card using Apple Pay?', rule: 'near-duplicate' },
  {
    name: 'reordered clauses',
    text: 'How long does delivery usually take? My card has not arrived yet.',
    rule: 'near-duplicate',
  },
  { name: 'clean: same opening, other intent', text: 'I would like to know how I can get a refund', rule: null },
  { name: 'clean: shares common words', text: 'How do I freeze my card?', rule: null },
  { name: 'clean: short', text: 'card not working', rule: null },
  { name: 'clean: unrelated', text: 'Which currencies can I hold in my account?', rule: null },
];
