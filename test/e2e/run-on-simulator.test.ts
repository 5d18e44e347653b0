import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const BIG = { input: 2, cached_input: 0.5, output: 8 };
const SMALL = { input: 0.2, cached_input: 0.05, output: 0.8 };

describe('tunegate run against the simulator with 20% injected faults', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let result: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 11,
      cases,
      models: {
        'sim-big': { accuracy: 0.9, latency_ms: 4, jitter_ms: 2 },
        'sim-small': { accuracy: 0.75, latency_ms: 2, jitter_ms: 1 },
      },
      faults: { rate_429: 0.1, rate_500: 0.1, retry_after_ms: 1 },
    });
    dir = await tempDir();
    const dataset = await copyBankingSample(dir);
    const suite = await writeSuite(
      dir,
      'suite.yaml',
      `name: banking-e2e
dataset: { path: ${dataset} }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url}, concurrency: 16, max_retries: 8 }
variants:
  big:
    role: prompted
    provider: sim
    model: sim-big
    system: Answer with the intent label only.
    template: "Message: {{input}}"
  small:
    role: finetuned
    provider: sim
    model: sim-small
pricing:
  sim-big: ${JSON.stringify(BIG)}
  sim-small: ${JSON.stringify(SMALL)}
thresholds:
  accuracy: { min: 0.8 }
`,
    );
    result = await runCli(['run', suite, '--out', 'out', '--no-cache', '--quiet'], { cwd: dir });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('exits 1 because the small variant misses the accuracy gate, and says so', () => {
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/small: accuracy ≥ 0\.8, got 75\.0%/);
    expect(result.stdout).toMatch(/simulated/i);
  });

  it('reports exactly the simulator’s per-model accuracy, with every case accounted for', async () => {
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    const [suite] = results.suites;
    expect(suite.variants.big.metrics).toMatchObject({ n: 200, errors: 0, correct: 180, accuracy: 0.9 });
    expect(suite.variants.small.metrics).toMatchObject({ n: 200, errors: 0, correct: 150, accuracy: 0.75 });
    expect(results.simulated).toBe(true);
    const records = await readJsonl<{ variant: string; case_id: string; attempts: number }>(
      join(dir, 'out', 'cases.jsonl'),
    );
    expect(records).toHaveLength(400);
    expect(new Set(records.map((r) => `${r.variant}/${r.case_id}`)).size).toBe(400);
    // The faults really happened and were retried.
    expect(records.some((r) => r.attempts > 1)).toBe(true);
  });

  it('prices every call as tokens × the configured prices', async () => {
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    const records = await readJsonl<{
      variant: string;
      usage: { prompt: number; completion: number; cached: number };
      cost_usd: number;
    }>(join(dir, 'out', 'cases.jsonl'));
    for (const [variant, price] of [
      ['big', BIG],
      ['small', SMALL],
    ] as const) {
      const mine = records.filter((r) => r.variant === variant);
      let expectedTotal = 0;
      for (const r of mine) {
        const cost =
          ((r.usage.prompt - r.usage.cached) * price.input +
            r.usage.cached * price.cached_input +
            r.usage.completion * price.output) /
          1e6;
        expect(r.cost_usd).toBeCloseTo(cost, 12);
        expectedTotal += cost;
      }
      const metrics = results.suites[0].variants[variant].metrics;
      expect(metrics.cost_usd.total).toBeCloseTo(expectedTotal, 10);
      expect(metrics.cost_usd.per_1k).toBeCloseTo((expectedTotal / 200) * 1000, 8);
      const tokens = mine.reduce((sum, r) => sum + r.usage.prompt, 0);
      expect(metrics.tokens.prompt).toBe(tokens);
    }
  });

  it('writes results.json that validates against the published schema', async () => {
    const schema = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const valid = ajv.validate(schema, results);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema allows unknown keys, so check that every key written is documented in it.
    const undocumented = (written: object, documented: Record<string, unknown>) =>
      Object.keys(written).filter((key) => !(key in documented));
    expect(undocumented(results, schema.properties)).toEqual([]);
    expect(undocumented(results.summary, schema.properties.summary.properties)).toEqual([]);
    for (const variant of Object.values(results.suites[0].variants) as { metrics: object }[]) {
      expect(undocumented(variant.metrics, schema.definitions.metrics.properties)).toEqual([]);
    }
  });
});
