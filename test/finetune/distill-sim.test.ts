import { beforeAll, describe, expect, it } from 'vitest';
import { createModelClient } from '../../src/providers/client.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { generationMessages, parseGeneratedInputs } from '../../src/training/distill-prompt.js';
import { simProvider, startBankingSim } from './helpers.js';

beforeAll(loadTokenizer);

describe('simulated teacher for distillation', () => {
  it('answers "Return a JSON array of N new inputs." with N new inputs that label like their source cases', async () => {
    const { sim, cases } = await startBankingSim({ models: { teacher: { accuracy: 1 } } });
    const gold = new Map(cases.map((c) => [c.input, c.expected]));
    const client = createModelClient(simProvider(sim.url), {});
    const seeds = cases.slice(0, 5).map((c) => c.input);
    const generated: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const reply = await client.complete({
        model: 'teacher',
        messages: generationMessages('banking intents', seeds, 25),
        params: {},
      });
      const inputs = parseGeneratedInputs(reply.text);
      expect(inputs).toHaveLength(25);
      generated.push(...(inputs ?? []));
    }
    expect(sim.stats.training).toMatchObject({ generation_requests: 4, inputs_generated: 100 });
    // Successive requests differ, and the inputs are new text rather than copies of the dataset.
    expect(new Set(generated).size).toBeGreaterThan(80);
    expect(generated.filter((input) => gold.has(input))).toEqual([]);
    // Some exact repeats, so a dedupe step has work to do.
    expect(new Set(generated).size).toBeLessThan(100);

    // And near repeats: the same text but for case, final punctuation or a trailing "please".
    const loose = (text: string) =>
      text
        .toLowerCase()
        .replace(/ please$/, '')
        .replace(/[.!?]+$/, '');
    const unique = [...new Set(generated)];
    expect(new Set(unique.map(loose)).size).toBeLessThan(unique.length);

    // Each input contains the text of the case it was made from, and answers with that case's gold label.
    const core = (text: string) => loose(text).slice(1);
    for (const input of unique) {
      const sources = cases.filter((c) => input.toLowerCase().includes(core(c.input)));
      expect(sources.length, input).toBeGreaterThan(0);
      const answer = await client.complete({
        model: 'teacher',
        messages: [{ role: 'user', content: `Message: ${input}` }],
        params: { temperature: 0 },
      });
      expect(
        sources.map((c) => c.expected),
        input,
      ).toContain(answer.text);
    }
    expect(sim.stats.by_model.teacher?.unknown_input).toBe(0);
  });

  it('is deterministic for the same sequence of requests', async () => {
    const run = async () => {
      const { sim } = await startBankingSim({ seed: 7, models: { teacher: { accuracy: 1 } } });
      const client = createModelClient(simProvider(sim.url), {});
      const ask = () =>
        client.complete({
          model: 'teacher',
          messages: [{ role: 'user', content: 'Write more. Return a JSON array of 40 new inputs.' }],
          params: {},
        });
      return [JSON.parse((await ask()).text) as string[], JSON.parse((await ask()).text) as string[]];
    };
    const [first, next] = await run();
    expect(await run()).toEqual([first, next]);
    expect(next).not.toEqual(first);
  });

  it('leaves other requests alone: a message without the phrase is looked up as a case', async () => {
    const { sim, cases } = await startBankingSim({ models: { m: { accuracy: 1 } } });
    const client = createModelClient(simProvider(sim.url), {});
    const reply = await client.complete({
      model: 'm',
      messages: [{ role: 'user', content: cases[3]?.input ?? '' }],
      params: {},
    });
    expect(reply.text).toBe(cases[3]?.expected);
    expect(sim.stats.training.generation_requests).toBe(0);
  });
});
