import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { chat, parseSse, post } from './helpers.js';
import { keywordClassifier } from './local-serve-helpers.js';

const ID = 'local:0123456789ab';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start() {
  const localModels = new Map([[ID, keywordClassifier(ID)]]);
  const sim = await startSimulator(
    { cases: [{ input: 'hi', expected: 'greet' }], models: { m: { accuracy: 1 } } },
    { localModels },
  );
  closers.push(sim.close);
  return sim;
}

describe('the built-in server answering local: models', () => {
  it('answers with the classifier prediction of the last user message, unmarked as simulated', async () => {
    const sim = await start();
    const body = {
      model: ID,
      messages: [
        { role: 'system', content: 'Classify.' },
        { role: 'user', content: 'my card is gone' },
        { role: 'assistant', content: 'card_lost' },
        { role: 'user', content: 'how much money do I have' },
      ],
    };
    const response = await post(sim.url, body);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tunegate-simulator')).toBeNull();
    const completion = JSON.parse(response.text);
    expect(completion.model).toBe(ID);
    expect(completion.choices[0].message.content).toBe('balance');
    // 4 characters a token, plus 3 of framing per message: (3+3)+(3+4)+(3+3)+(3+6), and "balance" is 2.
    expect(completion.usage).toMatchObject({ prompt_tokens: 28, completion_tokens: 2, total_tokens: 30 });
    const card = JSON.parse((await post(sim.url, chat(ID, 'I lost my card'))).text);
    expect(card.choices[0].message.content).toBe('card_lost');
    expect(sim.stats.local).toEqual({ [ID]: 2 });
    expect(sim.stats.completions).toBe(0);
  });

  it('still simulates the other models on the same server, marked as such', async () => {
    const sim = await start();
    const response = await post(sim.url, chat('m', 'hi'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tunegate-simulator')).toBe('1');
  });

  it('answers an unknown local id 404 model_not_found, as the real API does', async () => {
    const sim = await start();
    const response = await post(sim.url, chat('local:ffffffffffff', 'my card'));
    expect(response.status).toBe(404);
    expect(response.headers.get('x-tunegate-simulator')).toBeNull();
    expect(JSON.parse(response.text).error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    const retrieved = await fetch(`${sim.url}/models/${ID}`);
    expect(retrieved.status).toBe(200);
    expect((await fetch(`${sim.url}/models/local:ffffffffffff`)).status).toBe(404);
  });

  it('streams the prediction with usage when asked', async () => {
    const sim = await start();
    const response = await post(sim.url, chat(ID, 'card', { stream: true, stream_options: { include_usage: true } }));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const { events, done } = parseSse(response.text);
    expect(done).toBe(true);
    const text = events
      .flatMap((e) => (e.choices as { delta: { content?: string } }[]).map((c) => c.delta.content ?? ''))
      .join('');
    expect(text).toBe('card_lost');
    expect((events.at(-1) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
  });
});
