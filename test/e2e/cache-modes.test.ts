import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const FINE_TUNED = 'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123';

interface Night {
  code: number;
  stdout: string;
  markdown: string;
  /** Chat completions the simulator answered during the run. */
  modelCalls: number;
  results: {
    cache_mode: string;
    summary: { calls: number; cached: number };
    suites: { variants: Record<string, { metrics: { accuracy: number; cached_responses: number } }> }[];
  };
}

/**
 * The same fine-tuned model id, degraded behind the provider's back between runs: the simulator is restarted on
 * the same port (the cache key holds the base URL) with another accuracy for that id.
 */
describe('cache modes on a model degraded behind the same id (simulator restarted on one port)', () => {
  let dir: string;
  let cases: { input: string; expected: string }[];
  let simulator: RunningSimulator | undefined;
  let port = 0;
  let night = 0;

  async function serve(fineTunedAccuracy: number): Promise<void> {
    await simulator?.close();
    const models = { 'gpt-4.1': { accuracy: 0.9, latency_ms: 1 }, [FINE_TUNED]: { accuracy: fineTunedAccuracy } };
    simulator = await startSimulator({ seed: 3, cases, models }, { port });
    port = simulator.port;
  }

  async function run(cacheFlags: string[]): Promise<Night> {
    night += 1;
    const before = simulator?.stats.completions ?? 0;
    const out = `out-${night}`;
    const markdown = join(dir, `summary-${night}.md`);
    const cli = await runCli(['run', 'suite.yaml', '--out', out, '--markdown', markdown, '--quiet', ...cacheFlags], {
      cwd: dir,
    });
    expect(cli.stderr).not.toMatch(/unexpected error/);
    return {
      code: cli.code,
      stdout: cli.stdout,
      markdown: await readFile(markdown, 'utf8'),
      modelCalls: (simulator?.stats.completions ?? 0) - before,
      results: JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')),
    };
  }

  const accuracy = (n: Night, variant: string) => n.results.suites[0]?.variants[variant]?.metrics.accuracy;

  beforeAll(async () => {
    cases = await readJsonl(BANKING_SAMPLE);
    dir = await tempDir('tunegate-modes-');
    await serve(0.91);
    const dataset = await copyBankingSample(dir);
    await writeSuite(
      dir,
      'suite.yaml',
      `name: intents
dataset: { path: ${dataset} }
task: { kind: classification }
providers:
  sim: { base_url: "http://127.0.0.1:${port}/v1", concurrency: 16 }
variants:
  prompted: { role: prompted, provider: sim, model: gpt-4.1, system: "Answer with the intent label." }
  finetuned: { role: finetuned, provider: sim, model: "${FINE_TUNED}" }
thresholds:
  accuracy: { min: 0.8 }
`,
    );
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('use replays the old answers and misses the drop; refresh sees it and stores it; use then replays the new answers', async () => {
    const first = await run(['--cache', 'refresh']);
    expect(first.modelCalls).toBe(400);
    expect(accuracy(first, 'finetuned')).toBe(0.91);

    await serve(0.75); // same id, same URL, a worse model
    const blind = await run(['--cache', 'use']);
    expect(blind.modelCalls).toBe(0);
    expect(blind.results).toMatchObject({ cache_mode: 'use', summary: { calls: 400, cached: 400 } });
    expect(accuracy(blind, 'finetuned')).toBe(0.91);
    expect(blind.code).toBe(0);
    expect(blind.stdout).toContain('cache: use (stored answers replayed; only requests not stored yet call a model)');

    const refreshed = await run(['--cache', 'refresh']);
    expect(refreshed.modelCalls).toBe(400);
    expect(refreshed.results).toMatchObject({ cache_mode: 'refresh', summary: { calls: 400, cached: 0 } });
    expect(accuracy(refreshed, 'finetuned')).toBe(0.75);
    expect(accuracy(refreshed, 'prompted')).toBe(0.9);
    expect(refreshed.code).toBe(1);
    expect(refreshed.stdout).toContain('cache: refresh (every model called fresh)');
    expect(refreshed.markdown).toContain('cache: refresh (every model called fresh)');

    const replayed = await run([]);
    expect(replayed.modelCalls).toBe(0);
    expect(replayed.results).toMatchObject({ cache_mode: 'use', summary: { cached: 400 } });
    expect(accuracy(replayed, 'finetuned')).toBe(0.75);
  });

  it('off (and its alias --no-cache) calls every model and writes no cache', async () => {
    for (const flags of [['--cache', 'off'], ['--no-cache']]) {
      const off = await run([...flags, '--cache-dir', 'cache-off']);
      expect(off.modelCalls).toBe(400);
      expect(off.results).toMatchObject({ cache_mode: 'off', summary: { cached: 0 } });
      expect(off.stdout).toContain('cache: off (nothing read from or stored in the cache)');
      await expect(readdir(join(dir, 'cache-off'))).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('writes cache_mode as the results schema requires', async () => {
    const schema = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    const results = JSON.parse(await readFile(join(dir, 'out-1', 'results.json'), 'utf8'));
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
    delete results.cache_mode;
    expect(validate(results)).toBe(false);
  });
});
