import { describe, expect, it } from 'vitest';
import { suitePrompts } from '../../src/api/simulate.js';
import type { SuiteWithCases } from '../../src/api/validate.js';
import type { Case } from '../../src/dataset/types.js';
import { buildMessages } from '../../src/engine/plan.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import type { ChatMessage } from '../../src/providers/types.js';
import { UNKNOWN_INPUT_ANSWER } from '../../src/sim/answers.js';
import { SimBehaviour } from '../../src/sim/behaviour.js';
import { loadSimCases, type SimCase, type SimPrompt } from '../../src/sim/index.js';
import type { VariantSpec } from '../../src/suite/types.js';
import { innerLetters, typo, user } from './fragility-helpers.js';
import { BANKING_200 } from './helpers.js';

// Loaded before the describe blocks run: they build their prompts from the cases.
await loadTokenizer();
const banking = await loadSimCases(BANKING_200);

const LABELS = ['card_arrival', 'card_linking', 'exchange_rate'];
const SYSTEM = `Classify the banking message. Answer with one label of:\n${LABELS.join('\n')}\nAnswer with the label only.`;

function behaviour(prompts: SimPrompt[] = []) {
  return new SimBehaviour({ seed: 3, cases: banking, models: { m: { accuracy: 1 } }, prompts });
}

const input = (index: number) => banking[index]?.input ?? '';

describe('the simulator recognises perturbed inputs from the message alone', () => {
  it('sees no perturbation in the request as the suite sends it', () => {
    const sim = behaviour([{ template: 'Message: {{input}}' }]);
    const answer = sim.answer('m', user(`Message: ${input(0)}`));
    expect(answer.outcome).toBe('correct');
    expect(answer.perturbation).toBeUndefined();
  });

  it('names the family that differs: case, whitespace, punctuation, filler, typos', () => {
    const sim = behaviour();
    const asked = (content: string) => {
      const answer = sim.answer('m', user(content));
      return { text: answer.text, family: answer.perturbation };
    };
    const original = input(2); // "My card hasn't arrived yet."
    const expected = banking[2]?.expected; // case 1 (typo'd below) has the same label
    const cases: [string, string][] = [
      [original.toUpperCase(), 'case'],
      [original.toLowerCase(), 'case'],
      [original.replace(/ /g, '  '), 'whitespace'],
      [original.replace('.', ' .'), 'whitespace'],
      [original.replace('.', ''), 'punctuation'],
      [original.replace('card', 'card,'), 'punctuation'],
      [`hi, ${original}`, 'filler'],
      [`${original} thanks!`, 'filler'],
      [`Hey there, ${original}`, 'filler'],
      [typo(original, [innerLetters(original)[3] ?? 0]), 'typos'],
      [typo(input(1), innerLetters(input(1)).slice(5, 7)), 'typos'],
    ];
    for (const [content, family] of cases) {
      const found = asked(content);
      expect(found.family, content).toBe(family);
      expect(found.text, content).toBe(expected);
    }
  });

  it('keeps unicode, numbers and {{…}} in inputs recognisable', () => {
    const cases: SimCase[] = [
      { input: 'Überweisung von 1,000.50 € an Zoë?', expected: 'transfer' },
      { input: 'Template {{input}} left in the text, order #4521.', expected: 'other' },
    ];
    const sim = new SimBehaviour({ cases, models: { m: { accuracy: 1 } } });
    const familyOf = (content: string) => sim.answer('m', user(content)).perturbation;
    expect(familyOf('ÜBERWEISUNG VON 1,000.50 € AN ZOË?')).toBe('case');
    expect(familyOf('Überweisung von 1,000.50 € an Zoë')).toBe('punctuation');
    expect(familyOf('please Überweisung von 1,000.50 € an Zoë?')).toBe('filler');
    expect(familyOf('Template  {{input}} left in the text, order #4521.')).toBe('whitespace');
    expect(familyOf('Template {{input}} lefr in the text, order #4521.')).toBe('typos');
  });

  it('sees spaces added around the input when it knows the template', () => {
    const sim = behaviour([{ template: 'Message: {{input}}' }]);
    expect(sim.answer('m', user(`Message:  ${input(0)}`)).perturbation).toBe('whitespace');
    expect(sim.answer('m', user(`Message: ${input(0)}  `)).perturbation).toBe('whitespace');
    // Without templates it cannot tell added spaces from the template's own, and guesses nothing.
    expect(behaviour().answer('m', user(`  ${input(0)}`)).perturbation).toBeUndefined();
  });

  it('still answers an unrelated input with the no-case answer, and a 2-letter change of a short word is not a typo', () => {
    const sim = behaviour();
    expect(sim.answer('m', user('What is the capital of Mongolia?')).text).toBe(UNKNOWN_INPUT_ANSWER);
    const short = new SimBehaviour({ cases: [{ input: 'hi', expected: 'greeting' }], models: { m: { accuracy: 1 } } });
    expect(short.answer('m', user('ok')).outcome).toBe('unknown_input');
  });
});

describe('the simulator recognises perturbed prompts against the suite prompts it was given', () => {
  const examples = [0, 6, 4].map((index) => ({ input: input(index), output: String(banking[index]?.expected) }));
  const variant: VariantSpec = {
    name: 'prompted',
    role: 'prompted',
    provider: 'p',
    model: 'm',
    system: SYSTEM,
    examples,
    template: 'Message: {{input}}',
    params: {},
  };
  const suites = [{ suite: { variants: [variant] } }] as unknown as SuiteWithCases[];
  const testCase = { id: '9', line: 10, input: input(9), expected: banking[9]?.expected, fields: {} } as Case;
  const familyOf = (messages: ChatMessage[]) => behaviour(suitePrompts(suites)).answer('m', messages).perturbation;

  it('hands the simulator each variant prompt as its requests carry it', () => {
    expect(suitePrompts(suites)).toEqual([
      {
        system: SYSTEM,
        template: 'Message: {{input}}',
        examples: examples.map((example) => ({ user: `Message: ${example.input}`, assistant: example.output })),
      },
    ]);
  });

  it('names examples_order, label_order and instruction, and nothing for the unperturbed request', () => {
    expect(familyOf(buildMessages(variant, testCase))).toBeUndefined();
    const reordered = { ...variant, examples: [examples[2], examples[0], examples[1]] } as VariantSpec;
    expect(familyOf(buildMessages(reordered, testCase))).toBe('examples_order');
    const permutedLines = SYSTEM.replace(LABELS.join('\n'), [LABELS[2], LABELS[0], LABELS[1]].join('\n'));
    expect(familyOf(buildMessages({ ...variant, system: permutedLines }, testCase))).toBe('label_order');
    const reworded = 'Read the customer message and reply with exactly one of the labels below.\ncard_arrival';
    expect(familyOf(buildMessages({ ...variant, system: reworded }, testCase))).toBe('instruction');
  });

  it('names label_order for a numbered list and a comma-separated line permuted in place', () => {
    const numbered = 'Labels:\n1. card_arrival\n2. card_linking\n3. exchange_rate';
    const inline = 'Answer with one of: card_arrival, card_linking, exchange_rate.';
    for (const [system, permuted] of [
      [numbered, 'Labels:\n1. exchange_rate\n2. card_arrival\n3. card_linking'],
      [inline, 'Answer with one of: exchange_rate, card_arrival, card_linking.'],
    ] as const) {
      const sim = behaviour([{ system }]);
      const ask = (content: string) =>
        sim.answer('m', [
          { role: 'system', content },
          { role: 'user', content: input(3) },
        ]).perturbation;
      expect(ask(system)).toBeUndefined();
      expect(ask(permuted)).toBe('label_order');
    }
  });

  it('recognises no prompt family when it was given no prompts (as before)', () => {
    const reordered = { ...variant, system: 'Anything at all.' };
    expect(behaviour().answer('m', buildMessages(reordered, testCase)).perturbation).toBeUndefined();
  });
});
