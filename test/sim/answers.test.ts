import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { UNKNOWN_INPUT_ANSWER } from '../../src/sim/answers.js';
import { SimBehaviour } from '../../src/sim/behaviour.js';
import { loadSimCases, type SimCase, type SimConfig, startSimulator } from '../../src/sim/index.js';
import { answerOf, BANKING_200, chat, SNIPS_10 } from './helpers.js';

let banking: SimCase[];
let snips: SimCase[];
beforeAll(async () => {
  await loadTokenizer(); // SimBehaviour is used directly below, without startSimulator
  banking = await loadSimCases(BANKING_200);
  snips = await loadSimCases(SNIPS_10);
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(config: SimConfig) {
  const sim = await startSimulator(config);
  closers.push(sim.close);
  return sim;
}

async function answerAll(url: string, model: string, cases: SimCase[], template = (input: string) => input) {
  return Promise.all(cases.map((item) => answerOf(url, chat(model, template(item.input)))));
}

describe('simulator answers', () => {
  it('is exactly as accurate as configured over the whole dataset', async () => {
    const sim = await start({ seed: 3, cases: banking, models: { big: { accuracy: 0.9 }, small: { accuracy: 0.75 } } });
    const big = await answerAll(sim.url, 'big', banking, (input) => `Message: ${input}`);
    const small = await answerAll(sim.url, 'small', banking);
    const correct = (answers: string[]) => answers.filter((answer, i) => answer === banking[i]?.expected).length;
    expect(banking).toHaveLength(200);
    expect(correct(big)).toBe(180);
    expect(correct(small)).toBe(150);
    expect(sim.stats.by_model.big).toEqual({ requests: 200, correct: 180, wrong: 20, unknown_input: 0 });
    expect(sim.stats.by_model.small?.correct).toBe(150);
  });

  it('makes models fail on the same hard cases as shared_difficulty rises, keeping exact accuracy', async () => {
    const correctSets = async (shared: number) => {
      const sim = await start({
        seed: 5,
        cases: banking,
        shared_difficulty: shared,
        models: { big: { accuracy: 0.9 }, small: { accuracy: 0.8 } },
      });
      const right = async (model: string) =>
        (await answerAll(sim.url, model, banking)).map((answer, i) => answer === banking[i]?.expected);
      return { big: await right('big'), small: await right('small') };
    };
    const discordant = ({ big, small }: { big: boolean[]; small: boolean[] }) =>
      big.filter((b, i) => b !== small[i]).length;
    const independent = await correctSets(0);
    const identical = await correctSets(1);
    expect(identical.big.filter(Boolean)).toHaveLength(180);
    expect(identical.small.filter(Boolean)).toHaveLength(160);
    // Fully shared difficulty: every case the small model gets right, the big one does too.
    expect(discordant(identical)).toBe(20);
    expect(identical.small.every((right, i) => !right || identical.big[i])).toBe(true);
    expect(discordant(independent)).toBeGreaterThan(40);
  });

  it('answers wrongly with another label of the dataset', async () => {
    const sim = await start({ seed: 3, cases: banking, models: { small: { accuracy: 0.5 } } });
    const labels = new Set(banking.map((item) => item.expected));
    const answers = await answerAll(sim.url, 'small', banking);
    const wrong = answers.filter((answer, i) => answer !== banking[i]?.expected);
    expect(wrong).toHaveLength(100);
    for (const answer of wrong) expect(labels.has(answer)).toBe(true);
  });

  it('answers objects as JSON, and wrongly with exactly one field changed', async () => {
    const sim = await start({ cases: snips, models: { small: { accuracy: 0.4 } } });
    const answers = (await answerAll(sim.url, 'small', snips)).map((text) => JSON.parse(text));
    let wrong = 0;
    answers.forEach((answer, i) => {
      const expected = snips[i]?.expected as Record<string, unknown>;
      const changed = Object.keys(expected).filter((k) => JSON.stringify(answer[k]) !== JSON.stringify(expected[k]));
      if (changed.length > 0) wrong++;
      expect(changed.length).toBeLessThanOrEqual(1);
      expect(Object.keys(answer).sort()).toEqual(Object.keys(expected).sort());
    });
    expect(wrong).toBe(6);
  });

  it('is the same after a restart with the same seed, and differs with another seed', async () => {
    const config = { seed: 11, cases: banking, models: { small: { accuracy: 0.7 } } };
    const first = await start(config);
    const again = await start(config);
    const other = await start({ ...config, seed: 12 });
    const a = await answerAll(first.url, 'small', banking);
    const b = await answerAll(again.url, 'small', banking);
    const c = await answerAll(other.url, 'small', banking);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('finds the case in templated and multi-line messages, and answers unknown input', async () => {
    const sim = await start({ cases: banking, models: { 'any-model': { accuracy: 1 } } });
    const item = banking[5] as SimCase;
    const templates = [
      item.input,
      `  ${item.input}\n`,
      `Message: ${item.input}`,
      `Classify the message below.\n${item.input}\nAnswer with one label.`,
      `Classify the message below.\nText: ${item.input}\nLabel:`,
    ];
    for (const content of templates) expect(await answerOf(sim.url, chat('any-model', content))).toBe(item.expected);
    const fewShot = {
      model: 'any-model',
      messages: [
        { role: 'system', content: 'Answer with one label.' },
        { role: 'user', content: banking[0]?.input ?? '' },
        { role: 'assistant', content: String(banking[0]?.expected) },
        { role: 'user', content: item.input },
      ],
    };
    expect(await answerOf(sim.url, fewShot)).toBe(item.expected);
    expect(await answerOf(sim.url, chat('any-model', 'something never seen'))).toBe(UNKNOWN_INPUT_ANSWER);
    expect(sim.stats.by_model['any-model']?.unknown_input).toBe(1);
  });

  it('uses default_model for models it does not list', async () => {
    const sim = await start({ cases: banking, models: {}, default_model: { accuracy: 0 } });
    const answers = await answerAll(sim.url, 'unlisted', banking.slice(0, 20));
    expect(answers.filter((answer, i) => answer === banking[i]?.expected)).toHaveLength(0);
  });
});

describe('simulated usage and latency', () => {
  it('reports cached tokens only for prompts of at least 1024 tokens', () => {
    const behaviour = new SimBehaviour({ cases: banking, models: { m: { accuracy: 1, cached_prompt_fraction: 0.5 } } });
    const input = banking[0]?.input ?? '';
    const short = behaviour.answer('m', [{ role: 'user', content: input }]);
    expect(short.usage.cached).toBe(0);
    const system = 'You sort banking messages into intents. '.repeat(200);
    const long = behaviour.answer('m', [
      { role: 'system', content: system },
      { role: 'user', content: input },
    ]);
    expect(long.usage.prompt).toBeGreaterThanOrEqual(1024);
    expect(long.usage.cached).toBe(Math.floor(long.usage.prompt * 0.5));
  });

  it('gives each (model, input) a fixed latency within latency ± jitter', () => {
    const config = { seed: 5, cases: banking, models: { m: { accuracy: 1, latency_ms: 100, jitter_ms: 20 } } };
    const one = new SimBehaviour(config);
    const two = new SimBehaviour(config);
    const latencies = banking.map((item) => one.answer('m', [{ role: 'user', content: item.input }]).latencyMs);
    const again = banking.map((item) => two.answer('m', [{ role: 'user', content: item.input }]).latencyMs);
    expect(again).toEqual(latencies);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(120);
    expect(new Set(latencies).size).toBeGreaterThan(100);
  });

  it('waits the configured latency before answering', async () => {
    const sim = await start({ cases: banking, models: { m: { accuracy: 1, latency_ms: 120 } } });
    const started = performance.now();
    await answerOf(sim.url, chat('m', banking[0]?.input ?? ''));
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});
