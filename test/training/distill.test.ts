import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/providers/types.js';
import { acceptJson, acceptOneOf } from '../../src/training/accept.js';
import { type DistillOptions, distill } from '../../src/training/distill.js';
import { parseGeneratedInputs } from '../../src/training/distill-prompt.js';
import { variant } from '../engine/helpers.js';
import { fakeClient, randomSentences } from './fake-teacher.js';

const LABELS = ['card_arrival', 'pin_blocked'];
const seeds = randomSentences(6, 11).map((input, index) => ({ input, output: LABELS[index % 2] as string }));
const teacherVariant = variant('big', {
  system: 'Route the message.',
  examples: [{ input: 'where is it', output: 'card_arrival' }],
  template: 'Message: {{input}}',
  params: { temperature: 0.7, max_tokens: 8 },
});

/** The labeller answers by the input's first letter; inputs starting with "z" get an answer outside the labels. */
function labeller() {
  return fakeClient((request) => {
    const input = (request.messages.at(-1)?.content ?? '').replace('Message: ', '');
    if (input.startsWith('z')) return 'no idea';
    return input.charCodeAt(0) % 2 === 0 ? 'card_arrival' : 'pin_blocked';
  });
}

/** A generator replying with `batches[call - 1]` (the last batch repeats). */
function generator(batches: (string[] | string)[]) {
  return fakeClient((_request, call) => {
    const batch = batches[Math.min(call, batches.length) - 1] as string[] | string;
    return typeof batch === 'string' ? batch : `\`\`\`json\n${JSON.stringify(batch)}\n\`\`\``;
  });
}

function options(overrides: Partial<DistillOptions> & Pick<DistillOptions, 'generator' | 'labeller'>): DistillOptions {
  return {
    task: 'banking support messages; classification into card_arrival, pin_blocked',
    seeds,
    count: 10,
    batch: 5,
    similarity: 0.9,
    accept: (output) => LABELS.includes(output),
    costOf: () => 0.001,
    ...overrides,
  };
}

describe('distill', () => {
  it('drops generated inputs that leak an eval input or a seed before labelling, and never shows eval inputs', async () => {
    const evalInputs = randomSentences(3, 41);
    const fresh = randomSentences(10, 42);
    const [inside, typo] = evalInputs as [string, string];
    const gen = generator([
      [
        `hello there ${inside} thanks a lot`, // an eval input inside a longer message
        typo.replace(/^(\S)(\S)/, '$2$1'), // a typo of an eval input
        `${seeds[2]?.input}`.split(' ').reverse().join(' '), // a seed, reordered
        ...fresh.slice(0, 2),
      ],
      fresh.slice(2, 7),
      fresh.slice(7, 10),
    ]);
    const lab = labeller();
    const result = await distill(
      options({
        evalInputs,
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
      }),
    );
    expect(result.stats).toMatchObject({ leaks: 3, duplicates: 0, kept: 10 });
    expect(result.examples.map((example) => example.input)).toEqual(fresh);
    const labelled = lab.requests.map((request) => request.messages.at(-1)?.content ?? '');
    expect(labelled.every((text) => fresh.some((input) => text.endsWith(input)))).toBe(true);
    const prompts = gen.requests.map((request) => JSON.stringify(request.messages));
    expect(prompts.every((text) => evalInputs.every((input) => !text.includes(input)))).toBe(true);
    expect(prompts[0]).toMatch(/do not copy, quote, extend, reorder or lightly edit the examples/);
  });

  it('generates, drops (near-)duplicates, labels with the teacher prompt, keeps accepted answers', async () => {
    const fresh = randomSentences(12, 21);
    const gen = generator([
      // seed copy (normalized), near copy of a seed, two good ones, one the labeller cannot answer
      [seeds[0]?.input.toUpperCase() as string, `${seeds[1]?.input} ok`, ...fresh.slice(0, 2), `z${fresh[2]}`],
      [fresh[0] as string, ...fresh.slice(3, 7)], // a repeat of batch 1, four new
      fresh.slice(7, 12),
    ]);
    const lab = labeller();
    const progress: number[] = [];
    const result = await distill(
      options({
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
        onProgress: (p) => progress.push(p.kept),
      }),
    );
    expect(result.stats).toMatchObject({
      stopped: 'count',
      batches: 3,
      generated: 15,
      duplicates: 1,
      leaks: 2,
      rejected: 1,
      kept: 10,
    });
    expect(result.stats.reason).toMatch(/reached 10 examples/);
    expect(progress).toEqual([2, 6, 10]);
    expect(result.examples.map((example) => example.input)).toEqual([...fresh.slice(0, 2), ...fresh.slice(3, 11)]);
    expect(result.examples.every((example) => LABELS.includes(example.output))).toBe(true);
    // fresh[11] was never needed, so never labelled
    expect(lab.requests).toHaveLength(11);

    const generation = gen.requests[0] as ChatRequest;
    expect(generation.params).toEqual({ temperature: 1 });
    expect(generation.messages[0]).toEqual({
      role: 'system',
      content:
        'You write realistic, diverse user inputs for this task: banking support messages; classification into card_arrival, pin_blocked',
    });
    expect(generation.messages[1]?.content).toContain('Return a JSON array of 5 new inputs.');
    const shownSeeds = seeds.filter((seed) => generation.messages[1]?.content.includes(seed.input));
    expect(shownSeeds).toHaveLength(5);

    const labelling = lab.requests[0] as ChatRequest;
    expect(labelling.model).toBe('model-big');
    expect(labelling.params).toEqual({ temperature: 0, max_tokens: 8 });
    expect(labelling.messages).toEqual([
      { role: 'system', content: 'Route the message.' },
      { role: 'user', content: 'Message: where is it' },
      { role: 'assistant', content: 'card_arrival' },
      { role: 'user', content: `Message: ${fresh[0]}` },
    ]);
  });

  it('stops when the budget is spent, before making another call', async () => {
    const gen = generator(Array.from({ length: 20 }, (_, i) => randomSentences(2, 100 + i)));
    const lab = labeller();
    const result = await distill(
      options({
        count: 100,
        batch: 2,
        maxCostUsd: 0.01,
        costOf: () => 0.002,
        concurrency: 1,
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
      }),
    );
    expect(result.stats.stopped).toBe('budget');
    expect(result.stats.reason).toMatch(/budget spent: \$0\.0100 of \$0\.01/);
    // 5 calls of $0.002 reach the budget: generate, label, label, generate, label — then nothing more.
    expect(gen.requests.length + lab.requests.length).toBe(5);
    expect(result.stats.spent_usd).toBeCloseTo(0.01, 10);
    expect(result.examples.length).toBe(lab.requests.length);
  });

  it('stops after batches in a row that keep nothing, saying why', async () => {
    const same = randomSentences(3, 31);
    const gen = generator([same]); // the teacher repeats itself forever
    const lab = labeller();
    const result = await distill(
      options({
        count: 50,
        maxIdleBatches: 3,
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
      }),
    );
    expect(result.stats).toMatchObject({ stopped: 'no-progress', batches: 4, kept: 3, duplicates: 9 });
    expect(result.stats.reason).toMatch(/3 batches in a row kept nothing new/);
    expect(gen.requests).toHaveLength(4);
  });

  it('counts replies without a JSON array as unproductive batches', async () => {
    const gen = generator(['Sure! Here are some ideas: none.']);
    const lab = labeller();
    const result = await distill(
      options({
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
      }),
    );
    expect(result.stats).toMatchObject({ stopped: 'no-progress', unparseable: 3, generated: 0, batches: 3 });
    expect(lab.requests).toHaveLength(0);
  });

  it('stops on a provider error and returns what it kept', async () => {
    const gen = fakeClient((_request, call) =>
      call === 1 ? JSON.stringify(randomSentences(4, 41)) : new Error('boom'),
    );
    const lab = labeller();
    const result = await distill(
      options({
        generator: { client: gen.client, model: 'teacher' },
        labeller: { client: lab.client, variant: teacherVariant },
      }),
    );
    expect(result.stats.stopped).toBe('error');
    expect(result.stats.reason).toMatch(/boom/);
    expect(result.examples).toHaveLength(4);
  });

  it('validates its numbers', async () => {
    const gen = generator([[]]);
    const lab = labeller();
    const base = {
      generator: { client: gen.client, model: 't' },
      labeller: { client: lab.client, variant: teacherVariant },
    };
    await expect(distill(options({ ...base, count: 0 }))).rejects.toThrow(/count must be a positive/);
    await expect(distill(options({ ...base, seeds: [] }))).rejects.toThrow(/at least one seed/);
  });
});

describe('parseGeneratedInputs', () => {
  it('reads plain and fenced arrays, objects with an input, and refuses non-arrays', () => {
    expect(parseGeneratedInputs('["a", " b ", ""]')).toEqual(['a', 'b']);
    expect(parseGeneratedInputs('Here:\n```json\n[{"input": "x"}, 3, "y"]\n```\nDone.')).toEqual(['x', 'y']);
    expect(parseGeneratedInputs('Ideas: ["p", "q"] — enjoy')).toEqual(['p', 'q']);
    expect(parseGeneratedInputs('{"inputs": 1}')).toBeNull();
    expect(parseGeneratedInputs('no json here')).toBeNull();
  });
});

describe('accept checks', () => {
  it('acceptOneOf takes a task label spelled exactly, nothing else', () => {
    const accept = acceptOneOf(['card_arrival', 'Pin blocked']);
    expect(accept(' card_arrival\n')).toBe(true);
    expect(accept('Pin blocked')).toBe(true);
    expect(accept('CARD_ARRIVAL')).toBe(false);
    expect(accept('card_lost')).toBe(false);
  });

  it('acceptJson takes JSON (fenced or not) that passes the check', () => {
    const accept = acceptJson((value) => typeof (value as { amount?: unknown }).amount === 'number');
    expect(accept('```json\n{"amount": 3}\n```')).toBe(true);
    expect(accept('{"amount": "3"}')).toBe(false);
    expect(accept('amount: 3')).toBe(false);
    expect(acceptJson()('[1]')).toBe(true);
  });
});
