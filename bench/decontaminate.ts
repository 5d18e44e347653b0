// Leak check speed: every BANKING77 test message (~3k, protected) against 10k training inputs made by
// recombining them (the first half of one message with the second half of another, so every input is as
// word-heavy and as full of common words as a real message). Usage: node bench/decontaminate.mjs
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../src/dataset/sample.js';
import { LEAK_RULES, leakIndex } from '../src/training/decontaminate.js';

const TRAINING_ROWS = 10_000;

const messages = readFileSync('evals/data/banking77-test.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { input: string }).input);

const random = mulberry32(7);
const pick = () => messages[Math.floor(random() * messages.length)] as string;
const half = (text: string, first: boolean) => {
  const words = text.split(' ');
  const middle = Math.ceil(words.length / 2);
  return (first ? words.slice(0, middle) : words.slice(middle)).join(' ');
};
const training = Array.from({ length: TRAINING_ROWS }, () => `${half(pick(), true)} ${half(pick(), false)}`);

const started = performance.now();
const index = leakIndex(messages);
const built = performance.now();
const byRule: Record<string, number> = Object.fromEntries(LEAK_RULES.map((rule) => [rule, 0]));
for (const text of training) {
  const leak = index.find(text);
  if (leak) byRule[leak.rule] = (byRule[leak.rule] ?? 0) + 1;
}
const done = performance.now();

// The test set against itself, half against half: how often two distinct real messages are called a leak.
const halfway = Math.floor(messages.length / 2);
const selfIndex = leakIndex(messages.slice(0, halfway));
const selfByRule: Record<string, number> = Object.fromEntries(LEAK_RULES.map((rule) => [rule, 0]));
for (const text of messages.slice(halfway)) {
  const leak = selfIndex.find(text);
  if (leak) selfByRule[leak.rule] = (selfByRule[leak.rule] ?? 0) + 1;
}

console.log(`protected texts: ${messages.length}, training inputs: ${TRAINING_ROWS}`);
console.log(
  `index built in ${(built - started).toFixed(0)} ms, ${TRAINING_ROWS} checks in ${(done - built).toFixed(0)} ms`,
);
console.log(`recombined inputs flagged, by rule: ${JSON.stringify(byRule)}`);
console.log(
  `BANKING77 test, second half vs first half (${messages.length - halfway} vs ${halfway}): ${JSON.stringify(selfByRule)}`,
);
if (process.argv.includes('--examples')) {
  for (const text of messages.slice(halfway)) {
    const leak = selfIndex.find(text);
    if (leak) console.log(`${leak.rule}: ${JSON.stringify(text)} ~ ${JSON.stringify(leak.match)}`);
  }
}
