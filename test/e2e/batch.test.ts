import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOfCall, priceQueryOf, resolvePrice } from '../../src/providers/pricing.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const LABELS = ['refund', 'card_lost', 'balance', 'transfer'];
const CASES = Array.from({ length: 40 }, (_, i) => ({ input: `customer message ${i}`, expected: LABELS[i % 4] }));

interface CaseLine {
  case_id: string;
  variant: string;
  cached: boolean;
  via?: string;
  cost_usd: number | null;
  batch_cost_usd?: number | null;
  latency_ms: number | null;
  error: string | null;
  usage: { prompt: number; completion: number; cached: number } | null;
}

/**
 * Two variants on two models, so two batches: gpt-4.1-mini's expires after 15 lines (partial output), and the
 * 30th line the simulator answers fails with a 500. Batches take ~0.5 s on the simulator's clock.
 */
describe('run --batch against the simulator batch routes', () => {
  let dir: string;
  let sim: RunningSimulator;

  const run = (flags: string[], out: string) =>
    runCli(['run', 'suite.yaml', '--out', out, '--markdown', `${out}.md`, ...flags], { cwd: dir });
  const results = async (out: string) => JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8'));
  const recorded = async () => readdir(join(dir, '.tunegate', 'cache', 'batches')).catch(() => [] as string[]);

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 11,
      cases: CASES,
      models: { 'gpt-4.1': { accuracy: 0.9 }, 'gpt-4.1-mini': { accuracy: 0.8 } },
      batch: {
        validating_ms: 150,
        in_progress_ms: 300,
        finalizing_ms: 100,
        expire_after_lines: 15,
        expire_models: ['gpt-4.1-mini'],
        fail_every: 30,
      },
    });
    dir = await tempDir('tunegate-batch-');
    await writeFile(join(dir, 'cases.jsonl'), `${CASES.map((c) => JSON.stringify(c)).join('\n')}\n`);
    await writeSuite(
      dir,
      'suite.yaml',
      `name: intents
dataset: { path: cases.jsonl }
task: { kind: classification, labels: [${LABELS.join(', ')}] }
providers:
  sim: { base_url: "${sim.url}", concurrency: 8 }
variants:
  baseline: { role: prompted, provider: sim, model: gpt-4.1, system: "Answer with the intent label." }
  candidate: { role: prompted, provider: sim, model: gpt-4.1-mini, system: "Answer with the intent label." }
`,
    );
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('refuses --batch before any upload when the cache is off or a price is unknown (exit 2)', async () => {
    const off = await run(['--batch', '--cache', 'off'], 'out-off');
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/--batch collects answers into the response cache/);
    await writeSuite(
      dir,
      'unpriced.yaml',
      (await readFile(join(dir, 'suite.yaml'), 'utf8')).replace('model: gpt-4.1-mini', 'model: house-model'),
    );
    const unpriced = await runCli(['run', 'unpriced.yaml', '--batch'], { cwd: dir });
    expect(unpriced.code).toBe(2);
    expect(unpriced.stderr).toMatch(/unpriced\.yaml: variant "candidate": the price of model "house-model" is unknown/);
    expect(sim.stats.training.files_uploaded).toBe(0);
    expect(sim.stats.batch.created).toBe(0);
    expect(sim.stats.completions).toBe(0);
  });

  it('exits 4 pending, never resubmits, then collects: expired and failed lines called synchronously, cost at half price', async () => {
    const first = await run(['--batch'], 'out-1');
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/pending: 2 batch\(es\) pending/);
    expect(first.stderr).toContain('tunegate run suite.yaml --batch wait');
    expect(sim.stats.batch.created).toBe(2);
    expect(sim.stats.completions).toBe(0);
    expect(await recorded()).toHaveLength(2);
    const record = JSON.parse(
      await readFile(join(dir, '.tunegate', 'cache', 'batches', (await recorded())[0] as string), 'utf8'),
    );
    expect(record).toMatchObject({ provider: 'sim', endpoint: '/v1/chat/completions', keys: expect.any(Array) });
    // Each variant's first 4 calls (a tenth of 40) stay out of the batch: they measure latency.
    expect(record.keys).toHaveLength(36);

    const second = await run(['--batch'], 'out-2');
    expect(second.code).toBe(4);
    expect(sim.stats.batch.created).toBe(2); // the recorded batches are polled, not submitted again

    const third = await run(['--batch', 'wait'], 'out-3');
    expect(third.stderr).toMatch(/batch: 0 of 2 finished; waiting for batch_sim_\d (validating|in_progress) \d+\/36, /);
    // The one failing line (the 30th answered) falls in either batch, depending on which the simulator answered first.
    expect(third.stderr).toMatch(
      /collected (14|15) of 36 answer\(s\) from batch_sim_\d \(expired\); (22|21) will be called synchronously/,
    );
    expect([0, 1]).toContain(third.code);
    expect(sim.stats.batch.created).toBe(2);
    expect(sim.stats.batch).toMatchObject({ lines: 51, failed_lines: 1, expired: 1 });
    // 8 latency calls, 21 expired lines and 1 failed line, each called once synchronously.
    expect(sim.stats.completions).toBe(30);
    expect(await recorded()).toHaveLength(0);

    const summary = (await results('out-3')).summary;
    expect(summary).toMatchObject({ calls: 80, errors: 0, cached: 0 });
    expect(summary.batch).toMatchObject({ batches: 2, requests: 72, collected: 50, failed_lines: 1, expired: 1 });
    const lines = await readJsonl<CaseLine>(join(dir, 'out-3', 'cases.jsonl'));
    expect(lines).toHaveLength(80);
    expect(new Set(lines.map((l) => `${l.variant}/${l.case_id}`)).size).toBe(80);
    expect(lines.every((l) => l.error === null && !l.cached)).toBe(true);
    const viaBatch = lines.filter((l) => l.via === 'batch');
    expect(viaBatch).toHaveLength(50);
    // Latency is measured on the calls kept out of the batch: 4 per variant.
    expect(lines.filter((l) => l.via === undefined && l.latency_ms !== null).length).toBeGreaterThanOrEqual(8);
    expect(viaBatch.every((l) => l.latency_ms === null)).toBe(true);
    // Half the synchronous price, from each answer's own usage.
    const priceOf = (variant: string) => {
      const model = variant === 'baseline' ? 'gpt-4.1' : 'gpt-4.1-mini';
      const query = priceQueryOf({ providers: { sim: { base_url: sim.url } } }, { model, provider: 'sim' });
      return resolvePrice(query, {}).price;
    };
    let batchSpent = 0;
    for (const line of viaBatch) {
      const full = costOfCall(priceOf(line.variant), line.usage, null) as number;
      expect(line.batch_cost_usd).toBeCloseTo(full / 2, 12);
      // The workload's cost (and so the verdict's monthly economics) stays at the synchronous price.
      expect(line.cost_usd).toBeCloseTo(full, 12);
      batchSpent += full / 2;
    }
    expect(summary.batch.spent_usd).toBeCloseTo(batchSpent, 12);
    expect(summary.batch.saved_usd).toBeCloseTo(batchSpent, 12);
    const syncSpent = lines.filter((l) => l.via === undefined).reduce((sum, l) => sum + (l.cost_usd ?? 0), 0);
    expect(summary.spent_usd).toBeCloseTo(batchSpent + syncSpent, 12);
    expect(third.stdout).toMatch(
      /batch: 2 batches collected \(1 expired, answered lines kept\), 50 answers at the batch price: .* spent, .* saved against the synchronous price; 1 failed line called synchronously/,
    );
    expect(await readFile(join(dir, 'out-3.md'), 'utf8')).toContain('2 batches collected');

    const schema = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    expect(validate(await results('out-3')), JSON.stringify(validate.errors)).toBe(true);

    // Everything is in the cache now: nothing is submitted or called, and cache hits cost nothing.
    const fourth = await run(['--batch'], 'out-4');
    expect([0, 1]).toContain(fourth.code);
    expect(sim.stats.batch.created).toBe(2);
    expect(sim.stats.completions).toBe(30);
    expect((await results('out-4')).summary).toMatchObject({
      cached: 80,
      spent_usd: 0,
      batch: { batches: 0, collected: 0 },
    });
  });
});
