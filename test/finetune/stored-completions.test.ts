import { beforeAll, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { listStoredCompletions } from '../../src/providers/stored-completions.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { simProvider, startBankingSim } from './helpers.js';

beforeAll(loadTokenizer);

async function chat(url: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { id: string };
  return json.id;
}

describe('stored completions', () => {
  it('lists completions made with store: true, filtered by model and metadata, with their last user message', async () => {
    const { sim, cases } = await startBankingSim({ models: { big: { accuracy: 1 }, other: { accuracy: 1 } } });
    const system = { role: 'system', content: 'Classify the banking message.' };
    const stored: string[] = [];
    for (const [i, item] of cases.slice(0, 30).entries()) {
      const metadata = { feature: i % 2 === 0 ? 'intents' : 'other' };
      const messages = [system, { role: 'user', content: 'earlier turn' }, { role: 'user', content: item.input }];
      const id = await chat(sim.url, { model: 'big', messages, store: true, metadata });
      if (i % 2 === 0) stored.push(id);
    }
    await chat(sim.url, { model: 'big', messages: [{ role: 'user', content: cases[40]?.input }] });
    await chat(sim.url, {
      model: 'other',
      messages: [{ role: 'user', content: cases[41]?.input }],
      store: true,
      metadata: { feature: 'intents' },
    });
    expect(sim.stats.training.stored_completions).toBe(31);

    const provider = simProvider(sim.url);
    const found = await listStoredCompletions(
      provider,
      {},
      { model: 'big', metadata: { feature: 'intents' }, limit: 100 },
    );
    // Oldest first, like OpenAI's default order.
    expect(found.map((c) => c.id)).toEqual(stored);
    expect(found[0]).toEqual({ id: stored[0], input: cases[0]?.input, output: cases[0]?.expected });
    expect(found.every((c, k) => c.input === cases[2 * k]?.input && c.output === cases[2 * k]?.expected)).toBe(true);

    const limited = await listStoredCompletions(provider, {}, { metadata: { feature: 'intents' }, limit: 4 });
    expect(limited.map((c) => c.id)).toEqual(stored.slice(0, 4));
    const everyModel = await listStoredCompletions(provider, {}, { metadata: { feature: 'intents' }, limit: 100 });
    expect(everyModel).toHaveLength(16);
    expect(await listStoredCompletions(provider, {}, { metadata: { feature: 'none' }, limit: 10 })).toEqual([]);
  });

  it('pages through the list with after/limit', async () => {
    const { sim, cases } = await startBankingSim({ models: { m: { accuracy: 1 } } });
    for (const item of cases.slice(0, 5)) {
      await chat(sim.url, { model: 'm', messages: [{ role: 'user', content: item.input }], store: true });
    }
    const page = (await (await fetch(`${sim.url}/chat/completions?limit=2`)).json()) as {
      data: { id: string }[];
      has_more: boolean;
      last_id: string;
    };
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const next = (await (await fetch(`${sim.url}/chat/completions?limit=10&after=${page.last_id}`)).json()) as {
      data: { id: string }[];
      has_more: boolean;
    };
    expect(next.data).toHaveLength(3);
    expect(next.has_more).toBe(false);
    const all = await listStoredCompletions(simProvider(sim.url), {}, { metadata: {}, limit: 100 });
    expect(all.map((c) => c.id)).toEqual([...page.data, ...next.data].map((c) => c.id));
  });

  it('follows the cursor past one page of 100', async () => {
    const { sim, cases } = await startBankingSim({ models: { m: { accuracy: 1 } } });
    for (const item of cases.slice(0, 130)) {
      await chat(sim.url, { model: 'm', messages: [{ role: 'user', content: item.input }], store: true });
    }
    const all = await listStoredCompletions(simProvider(sim.url), {}, { metadata: {}, limit: 500 });
    expect(all.map((c) => c.input)).toEqual(cases.slice(0, 130).map((c) => c.input));
  });

  it('reports an unreachable server as a TunegateError', async () => {
    // Nothing listens on loopback port 1: the connection is refused.
    const url = 'http://127.0.0.1:1/v1';
    const error = await listStoredCompletions(simProvider(url), {}, { metadata: {}, limit: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).message).toMatch(
      /^provider "sim": listing stored completions failed: could not reach/,
    );
  });
});
