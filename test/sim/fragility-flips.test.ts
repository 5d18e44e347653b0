import { afterEach, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/providers/tokens.js';
import type { ChatMessage } from '../../src/providers/types.js';
import { SimBehaviour } from '../../src/sim/behaviour.js';
import { loadSimCases, type SimCase, type SimModel, startSimulator } from '../../src/sim/index.js';
import { PERTURBATION_FAMILIES } from '../../src/suite/fragility-families.js';
import { innerLetters, seededRandom, trainOn, typo, user } from './fragility-helpers.js';
import { answerOf, BANKING_200, chat } from './helpers.js';

await loadTokenizer();
const banking = await loadSimCases(BANKING_200);
const SYSTEM = 'Classify the banking message; answer with one label.';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Ten distinct one-letter typos of every case: 2,000 perturbed requests with known cases. */
function typoRequests(): { index: number; content: string }[] {
  return banking.flatMap((item, index) => {
    const letters = innerLetters(item.input);
    return Array.from({ length: 10 }, (_, k) => ({
      index,
      content: typo(item.input, [letters[Math.floor((k * letters.length) / 10)] ?? 0]),
    }));
  });
}

function simulator(model: SimModel) {
  const prompts = [{ system: SYSTEM }];
  return new SimBehaviour({ seed: 11, cases: banking, models: { m: model }, prompts });
}

/** Within a binomial 99.9% band (z = 3.29) of p over n trials. */
function expectNearRate(flipped: number, n: number, p: number): void {
  const band = 3.29 * Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(flipped / n - p)).toBeLessThanOrEqual(band);
}

describe('fragile simulated models', () => {
  it('never flip with probability 0, nor without a fragility config', () => {
    const zero = Object.fromEntries([...PERTURBATION_FAMILIES, 'repeat'].map((family) => [family, 0]));
    for (const model of [{ accuracy: 0.8, fragility: zero }, { accuracy: 0.8 }]) {
      const sim = simulator(model);
      const base = banking.map((item) => sim.answer('m', user(item.input)).text);
      for (const { index, content } of typoRequests()) {
        const answer = sim.answer('m', user(content));
        expect(answer.perturbation).toBe('typos');
        expect(answer.text).toBe(base[index]);
      }
    }
  });

  it('flip at the configured rate, always to a wrong answer that differs from the unperturbed one', () => {
    const sim = simulator({ accuracy: 0.8, fragility: { typos: 0.2, instruction: 0.05 } });
    const base = banking.map((item) => sim.answer('m', user(item.input)).text);
    const requests = typoRequests();
    let flipped = 0;
    let correctBefore = 0;
    let correctAfter = 0;
    for (const { index, content } of requests) {
      const answer = sim.answer('m', user(content));
      const expected = banking[index]?.expected;
      if (answer.flipped) {
        flipped++;
        expect(answer.text).not.toBe(base[index]);
        expect(answer.text).not.toBe(expected);
      } else expect(answer.text).toBe(base[index]);
      if (base[index] === expected) correctBefore++;
      if (answer.text === expected) correctAfter++;
    }
    console.log(
      `typos at p = 0.2: ${flipped} of ${requests.length} flipped (${(flipped / requests.length).toFixed(4)})`,
    );
    expectNearRate(flipped, requests.length, 0.2);
    // A correct answer survives a flip only when it does not flip: accuracy × (1 − p) in expectation.
    expectNearRate(correctBefore - correctAfter, correctBefore, 0.2);

    // Ten rewordings of the system prompt per case, against p = 0.05.
    let reworded = 0;
    let instructionFlips = 0;
    for (let k = 0; k < 10; k++) {
      for (const item of banking) {
        const messages: ChatMessage[] = [
          { role: 'system', content: `Rewording ${k}: label the message with one banking intent.` },
          { role: 'user', content: item.input },
        ];
        const answer = sim.answer('m', messages);
        expect(answer.perturbation).toBe('instruction');
        reworded++;
        if (answer.flipped) instructionFlips++;
      }
    }
    expectNearRate(instructionFlips, reworded, 0.05);
  });

  it('flip a wrong answer to another wrong one, even with two labels or object answers', () => {
    const cases: SimCase[] = [
      { input: 'Is the card blocked?', expected: 'yes' },
      { input: 'Was the fee refunded?', expected: 'no' },
      { input: 'Book a table for two at noon', expected: { intent: 'book', people: 2 } },
      { input: 'Book a table for four at six', expected: { intent: 'book', people: 4 } },
    ];
    for (const accuracy of [0, 1]) {
      const sim = new SimBehaviour({ cases, models: { m: { accuracy, fragility: { case: 1 } } } });
      for (const item of cases) {
        const base = sim.answer('m', user(item.input)).text;
        const flipped = sim.answer('m', user(item.input.toUpperCase()));
        expect(flipped.flipped).toBe(true);
        expect(flipped.outcome).toBe('wrong');
        expect(flipped.text).not.toBe(base);
        const expected = typeof item.expected === 'string' ? item.expected : JSON.stringify(item.expected);
        expect(flipped.text).not.toBe(expected);
      }
    }
  });

  it('give the same perturbed request the same answer every time, at any temperature', () => {
    const sim = simulator({ accuracy: 0.7, fragility: { typos: 0.5, case: 0.5, repeat: 0.5 } });
    const restarted = simulator({ accuracy: 0.7, fragility: { typos: 0.5 } });
    let flipped = 0;
    for (const { content } of typoRequests().slice(0, 200)) {
      const first = sim.answer('m', user(content), { temperature: 1 });
      if (first.flipped) flipped++;
      expect(sim.answer('m', user(content), { temperature: 1 }).text).toBe(first.text);
      expect(restarted.answer('m', user(content)).text).toBe(first.text);
    }
    expect(flipped).toBeGreaterThan(50); // the check above compared flipped answers too
  });

  it('answer a repeated sampled request differently at the repeat rate, and never at temperature 0', () => {
    const sim = simulator({ accuracy: 0.8, fragility: { repeat: 0.2 } });
    let repeats = 0;
    let flipped = 0;
    for (const item of banking) {
      const base = sim.answer('m', user(item.input), { temperature: 0.7 });
      expect(base.perturbation).toBeUndefined();
      for (let k = 0; k < 10; k++) {
        const again = sim.answer('m', user(item.input), { temperature: 0.7 });
        expect(again.perturbation).toBe('repeat');
        repeats++;
        if (again.flipped) flipped++;
        else expect(again.text).toBe(base.text);
        expect(sim.answer('m', user(item.input), { temperature: 0 }).text).toBe(base.text);
      }
    }
    expectNearRate(flipped, repeats, 0.2);
    // A fresh simulator sees the same k-th repeats flip: deterministic given k.
    const again = simulator({ accuracy: 0.8, fragility: { repeat: 0.2 } });
    const replay = banking
      .slice(0, 20)
      .map((item) =>
        Array.from({ length: 5 }, () => again.answer('m', user(item.input), { temperature: 0.7 }).text).join('|'),
      );
    const fresh = simulator({ accuracy: 0.8, fragility: { repeat: 0.2 } });
    const replayed = banking
      .slice(0, 20)
      .map((item) =>
        Array.from({ length: 5 }, () => fresh.answer('m', user(item.input), { temperature: 0.7 }).text).join('|'),
      );
    expect(replayed).toEqual(replay);
  });

  it('count perturbed requests and flips over HTTP, reading the temperature from the request', async () => {
    const sim = await startSimulator({
      seed: 2,
      cases: banking,
      models: { m: { accuracy: 1, fragility: { case: 1 } } },
    });
    closers.push(sim.close);
    const item = banking[7] as SimCase;
    expect(await answerOf(sim.url, chat('m', item.input))).toBe(item.expected);
    expect(await answerOf(sim.url, chat('m', item.input.toUpperCase()))).not.toBe(item.expected);
    await answerOf(sim.url, { ...chat('m', item.input), temperature: 0 } as never);
    expect(sim.stats.perturbed).toEqual({ case: { requests: 1, flipped: 1 } });
    expect(sim.stats.by_model.m).toEqual({ requests: 3, correct: 2, wrong: 1, unknown_input: 0 });
  });

  it('give a model trained here the fine_tuning fragility (default none), not its base model’s', async () => {
    const item = banking[4] as SimCase;
    const typoed = typo(item.input, [innerLetters(item.input)[2] ?? 0]);
    for (const fragility of [{ case: 1 }, undefined]) {
      const sim = await startSimulator({
        cases: banking,
        models: { base: { accuracy: 1, fragility: { typos: 1 } } },
        fine_tuning: { steps: 0, accuracy: 1, ...(fragility ? { fragility } : {}) },
      });
      closers.push(sim.close);
      const trained = await trainOn(sim.url, 'base');
      expect(await answerOf(sim.url, chat(trained, typoed))).toBe(item.expected);
      const upper = await answerOf(sim.url, chat(trained, item.input.toUpperCase()));
      if (fragility) expect(upper).not.toBe(item.expected);
      else expect(upper).toBe(item.expected);
      expect(await answerOf(sim.url, chat('base', typoed))).not.toBe(item.expected);
    }
  });

  it('find a perturbed input among 5,000 cases quickly (printed, not asserted)', () => {
    const random = seededRandom(5);
    const words = [
      'card',
      'transfer',
      'refund',
      'account',
      'pending',
      'exchange',
      'rate',
      'fee',
      'cash',
      'atm',
      'top',
      'up',
    ];
    const more = ['why', 'how', 'is', 'my', 'the', 'was', 'not', 'still', 'charged', 'twice', 'blocked', 'abroad'];
    const vocabulary = [...words, ...more, ...banking.flatMap((item) => item.input.split(' ')).slice(0, 400)];
    const cases: SimCase[] = Array.from({ length: 5000 }, (_, i) => ({
      input: `${Array.from({ length: 6 + Math.floor(random() * 14) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' ')} ${i}`,
      expected: 'label',
    }));
    const sim = new SimBehaviour({ cases, models: { m: { accuracy: 1, fragility: { typos: 0.1 } } } });
    let started = performance.now();
    sim.answer('m', user(`hi, ${cases[0]?.input}`)); // builds the index
    const buildMs = performance.now() - started;
    const probes = Array.from({ length: 500 }, (_, i) => cases[(i * 37) % cases.length]?.input ?? '');
    started = performance.now();
    let found = 0;
    for (const [i, probe] of probes.entries()) {
      const perturbed = i % 2 === 0 ? typo(probe, innerLetters(probe).slice(2, 3)) : probe.toUpperCase();
      if (sim.answer('m', user(perturbed)).perturbation !== undefined) found++;
    }
    const perLookupMs = (performance.now() - started) / probes.length;
    console.log(
      `5,000 cases: index built in ${buildMs.toFixed(1)} ms; a perturbed request answered in ${perLookupMs.toFixed(3)} ms on average (${found}/${probes.length} recognised)`,
    );
    expect(found).toBe(probes.length);
  });
});
