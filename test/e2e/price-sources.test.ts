import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const FINE_TUNED = 'accounts/acme/models/banking77-llama-v3p1-8b';

describe('every priced figure names its source', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let result: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 3,
      cases,
      models: {
        'gpt-5.5': { accuracy: 0.9, latency_ms: 1 },
        [FINE_TUNED]: { accuracy: 0.9, latency_ms: 1 },
        'sim-local': { accuracy: 0.8, latency_ms: 1 },
      },
    });
    dir = await tempDir();
    const dataset = await copyBankingSample(dir);
    // The simulator stands in for each platform: `platform:` says whose prices apply.
    const suite = await writeSuite(
      dir,
      'suite.yaml',
      `name: prices
dataset: { path: ${dataset}, sample: { size: 20, seed: 1 } }
task: { kind: classification }
providers:
  openai: { base_url: ${simulator.url}, platform: openai }
  fireworks: { base_url: ${simulator.url}, platform: fireworks }
  local: { base_url: ${simulator.url} }
variants:
  prompted:
    role: prompted
    provider: openai
    model: gpt-5.5
  finetuned:
    role: finetuned
    provider: fireworks
    model: ${FINE_TUNED}
    base_model: accounts/fireworks/models/llama-v3p1-8b-instruct
  local:
    role: prompted
    provider: local
    model: sim-local
pricing:
  sim-local: { input: 0.1, output: 0.1 }
`,
    );
    result = await runCli(['run', suite, '--out', 'out', '--no-cache', '--quiet', '--markdown', 'summary.md'], {
      cwd: dir,
    });
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('writes each variant’s price source next to its price in results.json, and costs calls at that price', async () => {
    expect(result.stderr).not.toMatch(/unexpected error/);
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    const { variants } = results.suites[0];
    expect(variants.prompted).toMatchObject({
      price: '$5 in / $0.5 cached / $30 out per 1M tokens',
      price_source: 'genai-prices 0.1.8',
    });
    expect(variants.finetuned).toMatchObject({
      price: '$0.2 in / $0.2 out per 1M tokens',
      price_source: 'built-in ft table (as of 2026-12-02)',
    });
    expect(variants.local).toMatchObject({ price_source: 'suite' });
    const records = await readJsonl<{
      variant: string;
      usage: { prompt: number; completion: number; cached: number };
      cost_usd: number;
    }>(join(dir, 'out', 'cases.jsonl'));
    for (const r of records.filter((record) => record.variant === 'prompted')) {
      const expected = ((r.usage.prompt - r.usage.cached) * 5 + r.usage.cached * 0.5 + r.usage.completion * 30) / 1e6;
      expect(r.cost_usd).toBeCloseTo(expected, 12);
    }
  });

  it('shows the source next to the price in the Markdown report and on the console', async () => {
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('**prompted** $5 in / $0.5 cached / $30 out per 1M tokens (genai-prices 0.1.8)');
    expect(markdown).toContain('**finetuned** $0.2 in / $0.2 out per 1M tokens (built-in ft table (as of 2026-12-02))');
    expect(markdown).toContain('**local** $0.1 in / $0.1 out per 1M tokens (suite)');
    expect(result.stdout).toContain(
      'price of prompted: $5 in / $0.5 cached / $30 out per 1M tokens (genai-prices 0.1.8)',
    );
    expect(result.stdout).toContain(
      'price of finetuned: $0.2 in / $0.2 out per 1M tokens (built-in ft table (as of 2026-12-02))',
    );
  });
});
