import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BatchRequest, type BatchState, createBatchClient } from '../../src/providers/batch.js';
import { createModelClient } from '../../src/providers/client.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { type SimConfig, startSimulator } from '../../src/sim/index.js';
import { simProvider } from '../finetune/helpers.js';

beforeAll(loadTokenizer);

const CASES = Array.from({ length: 20 }, (_, i) => ({ input: `question number ${i}`, expected: `label_${i % 5}` }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(batch: SimConfig['batch'], statePath?: string) {
  const models = { m: { accuracy: 0.7 } };
  const sim = await startSimulator({ seed: 5, cases: CASES, models, batch }, statePath ? { statePath } : {});
  closers.push(sim.close);
  const provider = simProvider(sim.url);
  return { sim, provider, client: createBatchClient(provider, {}) };
}

const request = (i: number, model = 'm'): BatchRequest => ({
  custom_id: `id-${i}`,
  request: { model, messages: [{ role: 'user', content: `question number ${i}` }], params: { temperature: 0 } },
});

async function until(poll: () => Promise<BatchState | null>, done: (state: BatchState) => boolean) {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const state = await poll();
    if (!state) throw new Error('batch lost');
    if (seen.at(-1) !== state.status) seen.push(state.status);
    if (done(state)) return { state, seen };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`batch never finished: ${seen.join(' → ')}`);
}

describe('Batch API on the simulator', () => {
  it('goes validating → in_progress → finalizing → completed and answers each line as the chat route does', async () => {
    const { sim, provider, client } = await start({ validating_ms: 60, in_progress_ms: 120, finalizing_ms: 60 });
    const requests = CASES.map((_, i) => request(i));
    const { batch_id } = await client.submit(requests);
    const { state, seen } = await until(
      () => client.retrieve(batch_id),
      (s) => s.status === 'completed',
    );
    expect(seen).toEqual(['validating', 'in_progress', 'finalizing', 'completed']);
    expect(state).toMatchObject({ total: 20, completed: 20, failed: 0 });
    const lines = await client.results(state);
    expect(lines).toHaveLength(20);
    // The synchronous route gives the same answer to the same request.
    const sync = createModelClient(provider, {});
    for (const [i, line] of lines.entries()) {
      if (!line.ok) throw new Error(line.error);
      expect(line.custom_id).toBe(`id-${i}`);
      expect(line.simulated).toBe(true);
      const answer = await sync.complete((requests[i] as BatchRequest).request);
      expect(line.text).toBe(answer.text);
      expect(line.usage).toEqual(answer.usage);
    }
    expect(sim.stats.batch).toMatchObject({ created: 1, lines: 20 });
  });

  it('expires with partial output, fails chosen lines, and answers an unknown model with its 404', async () => {
    const { client } = await start({ in_progress_ms: 30, expire_after_lines: 12, expire_models: ['m'], fail_every: 5 });
    const expiring = await client.submit(CASES.map((_, i) => request(i)));
    const other = await client.submit([request(0, 'other'), request(1, 'nope')]);
    const { state } = await until(
      () => client.retrieve(expiring.batch_id),
      (s) => s.status !== 'in_progress' && s.status !== 'validating',
    );
    expect(state.status).toBe('expired');
    const lines = await client.results(state);
    expect(lines.filter((line) => line.ok)).toHaveLength(10);
    expect(lines.filter((line) => !line.ok && !line.expired).map((line) => line.custom_id)).toEqual(['id-4', 'id-9']);
    expect(lines.filter((line) => !line.ok && line.expired)).toHaveLength(8);
    const done = await until(
      () => client.retrieve(other.batch_id),
      (s) => s.status === 'completed',
    );
    const [unknown] = await client.results(done.state);
    expect(unknown).toMatchObject({ ok: false, expired: false });
    expect(unknown?.ok === false && unknown.error).toMatch(/HTTP 404: The model `other` does not exist/);
  });

  it('keeps its batches in the saved state: a batch submitted before a restart is collected after it', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tunegate-sim-batch-')), 'sim-state.json');
    const first = await start({ validating_ms: 100, in_progress_ms: 100 }, statePath);
    const { batch_id } = await first.client.submit(CASES.slice(0, 5).map((_, i) => request(i)));
    expect((await first.client.retrieve(batch_id))?.status).toBe('validating');
    closers.splice(closers.indexOf(first.sim.close), 1);
    await first.sim.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await start({ validating_ms: 100, in_progress_ms: 100 }, statePath);
    const state = await second.client.retrieve(batch_id);
    expect(state).toMatchObject({ status: 'completed', completed: 5 });
    expect((await second.client.results(state as BatchState)).every((line) => line.ok)).toBe(true);
  });

  it('says a batch the provider does not know is gone (null), not an error', async () => {
    const { client } = await start({});
    expect(await client.retrieve('batch_missing')).toBeNull();
  });
});
