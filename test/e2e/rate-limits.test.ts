import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimConfig, startSimulator } from '../../src/sim/index.js';
import { readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const LABELS = ['card_arrival', 'change_pin', 'refund_not_showing_up', 'lost_or_stolen_card'];

/** A dataset of `count` distinct cases, written as JSONL; the simulator serves the same cases. */
async function dataset(dir: string, count: number) {
  const cases = Array.from({ length: count }, (_, i) => ({ input: `customer message ${i}`, expected: LABELS[i % 4] }));
  const path = join(dir, `cases-${count}.jsonl`);
  await writeFile(path, cases.map((c) => JSON.stringify(c)).join('\n'));
  return { cases, path };
}

function suiteYaml(data: string, baseUrl: string, provider: string, variants = ''): string {
  return `name: under-load
dataset: { path: ${JSON.stringify(data)} }
task: { kind: classification }
providers:
  sim: { base_url: ${baseUrl}, ${provider} }
variants:
  big: { role: prompted, provider: sim, model: gpt-4.1 }
  small: { role: finetuned, provider: sim, model: gpt-4.1-nano }
${variants}`;
}

interface Results {
  summary: { calls: number; errors: number };
  suites: { variants: Record<string, { metrics: { accuracy: number; errors: number; n: number } }> }[];
}

async function run(dir: string, config: Omit<SimConfig, 'cases'>, count: number, provider: string, variants = '') {
  const { cases, path } = await dataset(dir, count);
  const sim = await startSimulator({ ...config, cases });
  closers.push(sim.close);
  const out = `out-${Math.random().toString(36).slice(2)}`;
  const suite = await writeSuite(dir, `${out}.yaml`, suiteYaml(path, sim.url, provider, variants));
  const { code, stderr } = await runCli(['run', suite, '--out', out, '--no-cache', '--quiet'], { cwd: dir });
  const results = JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as Results;
  const records = await readJsonl<{ variant: string; error: string | null }>(join(dir, out, 'cases.jsonl'));
  return { code, stderr, results, records, stats: sim.stats };
}

const MODELS = { 'gpt-4.1': { accuracy: 0.9 }, 'gpt-4.1-nano': { accuracy: 0.8 } };

describe('a rate-limited provider', () => {
  it('at concurrency 256 against 100 requests/s with Retry-After: 1 ends with 0 errors and few 429s', async () => {
    const dir = await tempDir();
    const { results, stats } = await run(
      dir,
      { models: MODELS, rate_limit: { requests_per_second: 100, retry_after_ms: 1000 } },
      1000,
      'concurrency: 256',
    );
    expect(results.summary).toMatchObject({ calls: 2000, errors: 0 });
    const share429 = stats.throttled / stats.completions;
    expect(share429).toBeLessThan(0.2);
  });
});

describe('injected faults', () => {
  it.each([0.2, 0.4])(
    'at %d of requests failing (429/500), end with 0 errors and the fault-free accuracy',
    async (rate) => {
      const dir = await tempDir();
      const provider = 'concurrency: 32';
      const clean = await run(dir, { models: MODELS }, 300, provider);
      const faulty = await run(
        dir,
        { models: MODELS, faults: { rate_429: rate / 2, rate_500: rate / 2, retry_after_ms: 20 } },
        300,
        provider,
      );
      expect(faulty.stats.faults.rate_limited + faulty.stats.faults.server_error).toBeGreaterThan(600 * rate * 0.8);
      expect(faulty.results.summary.errors).toBe(0);
      for (const name of ['big', 'small']) {
        const accuracy = (r: Results) => r.suites[0]?.variants[name]?.metrics.accuracy;
        expect(accuracy(faulty.results)).toBe(accuracy(clean.results));
      }
    },
  );

  it('reports a final error (unknown model: 404) as one error per case, without retrying it', async () => {
    const dir = await tempDir();
    const unknown = '  ghost: { role: finetuned, provider: sim, model: no-such-model }';
    const { results, records, stats } = await run(
      dir,
      { models: MODELS, faults: { rate_429: 0.1, rate_500: 0.1, retry_after_ms: 20 } },
      200,
      'concurrency: 16',
      unknown,
    );
    const ghost = records.filter((r) => r.variant === 'ghost');
    expect(ghost).toHaveLength(200);
    expect(ghost.every((r) => r.error !== null)).toBe(true);
    expect(results.summary.errors).toBe(200);
    expect(results.suites[0]?.variants.big?.metrics.errors).toBe(0);
    expect(stats.by_model['no-such-model']?.requests).toBeLessThanOrEqual(16 * 5);
  });
});
