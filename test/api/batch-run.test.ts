import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchAccount } from '../../src/api/batch-account.js';
import { BatchPendingError, latencyProbeCalls, runBatches } from '../../src/api/batch-run.js';
import { validateSuites } from '../../src/api/validate.js';
import { estimateCost } from '../../src/engine/budget.js';
import { openResponseCache } from '../../src/engine/cache.js';
import { planCalls } from '../../src/engine/plan.js';
import type { CaseRecord } from '../../src/engine/types.js';
import type { BatchClient, BatchLineResult, BatchRequest, BatchState } from '../../src/providers/batch.js';
import { tempDir } from '../e2e/helpers.js';

async function suites(discount = '') {
  const dir = await tempDir('tunegate-batch-run-');
  const rows = Array.from({ length: 6 }, (_, i) => JSON.stringify({ input: `q${i}`, expected: 'a' }));
  await writeFile(join(dir, 'cases.jsonl'), `${rows.join('\n')}\n`);
  await writeFile(
    join(dir, 'suite.yaml'),
    `name: s
dataset: { path: cases.jsonl }
task: { kind: classification, labels: [a, b] }
providers:
  p: { base_url: "http://127.0.0.1:9/v1"${discount} }
variants:
  one: { role: prompted, provider: p, model: gpt-4.1 }
`,
  );
  const validation = await validateSuites(['suite.yaml'], { cwd: dir, env: {}, requireApiKeys: false });
  expect(validation.problems).toEqual([]);
  return { dir, inputs: validation.suites, cacheDir: join(dir, 'cache') };
}

/** A scripted Batch API: each retrieve answers the next status of the batch's script; lost batches answer null. */
class FakeBatches implements BatchClient {
  submitted: BatchRequest[][] = [];
  polls = 0;
  constructor(private readonly script: (string | null)[]) {}

  async submit(requests: readonly BatchRequest[]) {
    this.submitted.push([...requests]);
    return { batch_id: `b${this.submitted.length}`, input_file_id: `f${this.submitted.length}` };
  }

  async retrieve(id: string): Promise<BatchState | null> {
    const status = this.script[Math.min(this.polls++, this.script.length - 1)] ?? null;
    if (status === null) return null;
    const total = this.submitted[Number(id.slice(1)) - 1]?.length ?? 0;
    return {
      id,
      status: status as BatchState['status'],
      total,
      completed: 0,
      failed: 0,
      output_file_id: 'o',
      error_file_id: null,
    };
  }

  async results(state: BatchState): Promise<BatchLineResult[]> {
    if (state.status === 'failed') return [];
    const requests = this.submitted[Number(state.id.slice(1)) - 1] ?? [];
    return requests.map((r) => ({
      custom_id: r.custom_id,
      ok: true,
      text: 'a',
      usage: { prompt: 10, completion: 1, cached: 0 },
      simulated: false,
    }));
  }
}

describe('runBatches', () => {
  it("keeps each variant's first calls out of the batch, so latency is still measured synchronously", async () => {
    expect([latencyProbeCalls(6), latencyProbeCalls(40), latencyProbeCalls(603), latencyProbeCalls(10_000)]).toEqual([
      1, 4, 30, 30,
    ]);
    const { inputs, cacheDir } = await suites();
    const client = new FakeBatches(['in_progress']);
    await runBatches(inputs, { mode: 'submit', cacheDir, env: {}, batchClientFor: () => client }).catch(() => null);
    const plan = [...planCalls(inputs)];
    expect(client.submitted[0]?.map((r) => r.custom_id)).toEqual(plan.slice(1).map((call) => call.cacheKey));
  });

  it('stops pending (exit 4) in submit mode and submits nothing again on the next run', async () => {
    const { inputs, cacheDir } = await suites();
    const client = new FakeBatches(['in_progress']);
    const options = { mode: 'submit' as const, latencyProbe: 0, cacheDir, env: {}, batchClientFor: () => client };
    const error = await runBatches(inputs, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchPendingError);
    expect((error as BatchPendingError).exitCode).toBe(4);
    expect((error as BatchPendingError).pending).toEqual([
      { provider: 'p', model: 'gpt-4.1', batch_id: 'b1', status: 'in_progress', completed: 0, total: 6 },
    ]);
    await expect(runBatches(inputs, options)).rejects.toBeInstanceOf(BatchPendingError);
    expect(client.submitted).toHaveLength(1);
    expect(await readdir(join(cacheDir, 'batches'))).toEqual(['b1.json']);
  });

  it('waits with growing intervals and progress lines, then collects into the cache and forgets the batch', async () => {
    const { inputs, cacheDir } = await suites();
    const client = new FakeBatches(['validating', 'in_progress', 'finalizing', 'completed']);
    const lines: string[] = [];
    const collection = await runBatches(inputs, {
      mode: 'wait',
      latencyProbe: 0,
      cacheDir,
      env: {},
      batchClientFor: () => client,
      pollMs: { first: 5, max: 8 },
      onProgress: (line) => lines.push(line),
    });
    // 5 ms, then half as long again each time, capped at 8 ms.
    const waits = lines.map((line) => /next check in (\d+) ms/.exec(line)?.[1]).filter((ms) => ms !== undefined);
    expect(waits).toEqual(['5', '8', '8']);
    expect(collection).toMatchObject({ batches: 1, requests: 6, failed_lines: 0, expired: 0 });
    expect(collection.collected.size).toBe(6);
    const cache = openResponseCache(cacheDir);
    for (const call of planCalls(inputs)) expect(cache.get(call.cacheKey)?.text).toBe('a');
    expect(await readdir(join(cacheDir, 'batches'))).toEqual([]);
  });

  it('submits again the calls of a batch the provider no longer knows', async () => {
    const { inputs, cacheDir } = await suites();
    const client = new FakeBatches([null, 'completed']);
    const lines: string[] = [];
    const collection = await runBatches(inputs, {
      mode: 'submit',
      latencyProbe: 0,
      cacheDir,
      env: {},
      batchClientFor: () => client,
      onProgress: (l) => lines.push(l),
    });
    expect(client.submitted).toHaveLength(2);
    expect(lines.some((line) => line.includes('b1 is unknown to provider "p"; submitting its calls again'))).toBe(true);
    expect(collection.collected.size).toBe(6);
  });

  it('refuses to submit over --max-cost-usd at the batch price (exit 3), and submits at a budget that covers it', async () => {
    const { inputs, cacheDir } = await suites();
    const client = new FakeBatches(['completed']);
    const options = { mode: 'submit' as const, latencyProbe: 0, cacheDir, env: {}, batchClientFor: () => client };
    const full = (await estimateCost(planCalls(inputs))).usd;
    const over = await runBatches(inputs, { ...options, maxCostUsd: full * 0.49 }).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: 'budget-estimate', exitCode: 3 });
    expect(client.submitted).toHaveLength(0);
    await runBatches(inputs, { ...options, maxCostUsd: full * 0.51 });
    expect(client.submitted).toHaveLength(1);
  });

  it('leaves every call of a failed batch to the synchronous run', async () => {
    const { inputs, cacheDir } = await suites();
    const collection = await runBatches(inputs, {
      mode: 'submit',
      latencyProbe: 0,
      cacheDir,
      env: {},
      batchClientFor: () => new FakeBatches(['failed']),
    });
    expect(collection).toMatchObject({ batches: 1, requests: 6 });
    expect(collection.collected.size).toBe(0);
    expect(openResponseCache(cacheDir).keys().size).toBe(0);
  });
});

describe('BatchAccount', () => {
  const record = (cached: boolean): CaseRecord => ({
    suite: 's',
    variant: 'one',
    case_id: '1',
    index: 0,
    input: 'q',
    expected: 'a',
    output: 'a',
    error: null,
    latency_ms: 0,
    ttft_ms: null,
    usage: { prompt: 10, completion: 1, cached: 0 },
    cost_usd: 0.004,
    cached,
    attempts: 0,
    simulated: false,
  });

  it("prices collected answers at the provider's batch discount and leaves other records alone", async () => {
    const { inputs, cacheDir } = await suites(', batch_discount: 0.25');
    const collection = await runBatches(inputs, {
      mode: 'submit',
      latencyProbe: 0,
      cacheDir,
      env: {},
      batchClientFor: () => new FakeBatches(['completed']),
    });
    const [call, other] = planCalls(inputs);
    if (!call || !other) throw new Error('no calls');
    collection.collected.delete(other.cacheKey);
    const account = new BatchAccount(collection);
    expect(account.account(record(true), call)).toMatchObject({
      cached: false,
      via: 'batch',
      cost_usd: 0.004,
      batch_cost_usd: 0.003,
      latency_ms: null,
    });
    expect(account.account(record(true), other)).toEqual(record(true));
    expect(account.account(record(false), call)).toEqual(record(false));
    expect(account.summary()).toMatchObject({ collected: 1, spent_usd: 0.003 });
    expect(account.summary().saved_usd).toBeCloseTo(0.001, 12);
  });
});
