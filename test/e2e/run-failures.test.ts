import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { unusedLoopbackPort } from '../loopback.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

function suiteYaml(baseUrl: string, extra = '', cases = 40): string {
  return `name: banking-failures
dataset: { path: banking.jsonl, sample: { size: ${cases}, seed: 2 } }
task: { kind: classification }
providers:
  sim: { base_url: ${baseUrl}, concurrency: 8, max_retries: 1, timeout_ms: 2000 }
variants:
  big: { role: prompted, provider: sim, model: gpt-4.1, system: Answer with the intent label only. }
  small: { role: finetuned, provider: sim, model: gpt-4.1-nano }
${extra}`;
}

/** A loopback port that refuses connections: bound, then closed. */

describe('runs that cannot or must not spend money', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      cases,
      models: { 'gpt-4.1': { accuracy: 0.9 }, 'gpt-4.1-nano': { accuracy: 0.8 } },
    });
    dir = await tempDir();
    await copyBankingSample(dir);
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('refuses a broken suite with located problems, exit 2, and no model call', async () => {
    const suite = await writeSuite(
      dir,
      'broken.yaml',
      suiteYaml(simulator.url).replace('role: finetuned', 'role: distilled'),
    );
    const before = simulator.stats.requests;
    const { code, stderr } = await runCli(['run', suite, '--out', 'out-broken'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/broken\.yaml:8:\d+ variants\.small\.role: .*prompted, finetuned/);
    expect(stderr).toContain('no model was called');
    expect(simulator.stats.requests).toBe(before);
  });

  it('refuses rows longer than the model’s context window before any call (exit 2, row and case)', async () => {
    const rows = [
      { input: 'Where is my card?', expected: 'card_arrival' },
      { input: 'word '.repeat(150_000), expected: 'card_arrival' },
      { input: 'z'.repeat(1_000_000), expected: 'card_arrival' },
    ];
    await writeFile(join(dir, 'long.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n'));
    const suite = await writeSuite(
      dir,
      'long.yaml',
      `name: long-rows
dataset: { path: long.jsonl }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url} }
variants:
  big: { role: prompted, provider: sim, model: gpt-4o }
  small: { role: finetuned, provider: sim, model: gpt-4.1-nano }
  local: { role: finetuned, provider: sim, model: my-llm, context_window: 100 }
  unknown: { role: finetuned, provider: sim, model: my-other-llm }
`,
    );
    const before = simulator.stats.requests;
    const started = performance.now();
    const { code, stderr } = await runCli(['run', suite, '--out', 'out-long', '--no-cache'], { cwd: dir });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /long\.jsonl:2:1 .*long\.yaml: variant "big" \(gpt-4o\): case 1 makes a prompt of about [\d,]+ tokens, over the model's context window of 128,000/,
    );
    expect(stderr).toMatch(/long\.jsonl:2:1 .*variant "local" \(my-llm\): case 1 /);
    expect(stderr).toMatch(/long\.jsonl:3:1 .*variant "local" \(my-llm\): case 2 /);
    expect(stderr).not.toMatch(/variant "(small|unknown)"/);
    expect(stderr).toContain('no model was called');
    expect(simulator.stats.requests).toBe(before);
  });

  it('refuses a run whose estimate exceeds --max-cost-usd before the first call (exit 3)', async () => {
    const suite = await writeSuite(dir, 'budget.yaml', suiteYaml(simulator.url));
    const before = simulator.stats.requests;
    const { code, stderr } = await runCli(
      ['run', suite, '--out', 'out-budget', '--no-cache', '--max-cost-usd', '0.0001'],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/estimated cost \$[\d.]+ exceeds --max-cost-usd \$0\.0001/);
    expect(simulator.stats.requests).toBe(before);
  });

  it('leaves the out dir untouched when a run is refused (budget estimate, configuration)', async () => {
    const good = await writeSuite(dir, 'refused-good.yaml', suiteYaml(simulator.url));
    const broken = await writeSuite(
      dir,
      'refused-broken.yaml',
      suiteYaml(simulator.url).replace('role: finetuned', 'role: distilled'),
    );
    const out = join(dir, 'out-refused');
    expect((await runCli(['run', good, '--out', out, '--no-cache', '--quiet'], { cwd: dir })).code).toBe(0);
    const snapshot = async () => {
      const names = (await readdir(out)).sort();
      return { names, contents: await Promise.all(names.map((name) => readFile(join(out, name), 'utf8'))) };
    };
    const before = await snapshot();
    expect(before.names).toEqual(['cases.jsonl', 'results.json']);
    const refusals = [
      { argv: ['run', good, '--out', out, '--no-cache', '--max-cost-usd', '0.0001'], code: 3 },
      { argv: ['run', broken, '--out', out, '--no-cache'], code: 2 },
    ];
    for (const { argv, code } of refusals) {
      expect((await runCli(argv, { cwd: dir })).code).toBe(code);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('serves an unchanged re-run from the response cache: same numbers, no calls, nothing spent', async () => {
    const suite = await writeSuite(dir, 'cached.yaml', suiteYaml(simulator.url));
    const first = await runCli(['run', suite, '--out', 'out-1', '--cache-dir', 'cache', '--quiet'], { cwd: dir });
    expect(first.code).toBe(0);
    const afterFirst = simulator.stats.completions;
    const second = await runCli(['run', suite, '--out', 'out-2', '--cache-dir', 'cache', '--quiet'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(simulator.stats.completions).toBe(afterFirst);
    const one = JSON.parse(await readFile(join(dir, 'out-1', 'results.json'), 'utf8'));
    const two = JSON.parse(await readFile(join(dir, 'out-2', 'results.json'), 'utf8'));
    expect(two.summary).toMatchObject({ calls: 80, cached: 80, spent_usd: 0 });
    expect(two.suites[0].variants.big.metrics.accuracy).toBe(one.suites[0].variants.big.metrics.accuracy);
    expect(two.suites[0].variants.big.metrics.cost_usd.total).toBeCloseTo(
      one.suites[0].variants.big.metrics.cost_usd.total,
      12,
    );
  });

  it('stops calling a provider that is down: every case is an error, exit 3, within seconds', async () => {
    const port = await unusedLoopbackPort();
    const suite = await writeSuite(dir, 'down.yaml', suiteYaml(`http://127.0.0.1:${port}/v1`, '', 60));
    const started = performance.now();
    const { code, stderr } = await runCli(['run', suite, '--out', 'out-down', '--no-cache', '--quiet'], { cwd: dir });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(code).toBe(3);
    expect(stderr).toContain('every call of banking-failures/big, banking-failures/small failed; check the provider');
    const records = await readJsonl<{ error: string | null; attempts: number }>(join(dir, 'out-down', 'cases.jsonl'));
    expect(records).toHaveLength(120);
    expect(records.every((r) => r.error !== null)).toBe(true);
    const notRun = records.filter((r) => r.error?.startsWith('not run: provider sim unreachable (connection failed'));
    expect(notRun.length).toBeGreaterThan(100);
  });

  it('makes only a few connection attempts to a provider that drops every connection', async () => {
    let connections = 0;
    const dropper: Server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = dropper.address() as { port: number };
      const suite = await writeSuite(dir, 'drop.yaml', suiteYaml(`http://127.0.0.1:${port}/v1`, '', 60));
      const { code } = await runCli(['run', suite, '--out', 'out-drop', '--no-cache', '--quiet'], { cwd: dir });
      expect(code).toBe(3);
      // Concurrency 8: the first calls fail together, then the provider is taken as down.
      expect(connections).toBeGreaterThanOrEqual(5);
      expect(connections).toBeLessThanOrEqual(16);
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });

  it('names an unset API key variable: a warning for validate, an error before run calls the provider', async () => {
    const suite = await writeSuite(
      dir,
      'key.yaml',
      suiteYaml(simulator.url).replace('sim: { base_url', 'sim: { api_key_env: TUNEGATE_TEST_KEY, base_url'),
    );
    const checked = await runCli(['validate', suite], { cwd: dir, env: {} });
    expect(checked.code).toBe(0);
    expect(checked.stderr).toMatch(/^warning: \S*key\.yaml:5:\d+ .*TUNEGATE_TEST_KEY/m);
    const before = simulator.stats.requests;
    const { code, stderr } = await runCli(['run', suite, '--out', 'out-key', '--no-cache', '--quiet'], {
      cwd: dir,
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^\S*key\.yaml:5:\d+ .*TUNEGATE_TEST_KEY/m);
    expect(simulator.stats.requests).toBe(before);
    const ok = await runCli(['validate', suite], { cwd: dir, env: { TUNEGATE_TEST_KEY: 'secret-value' } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('banking-failures, 40 cases, 2 variants');
    expect(ok.stdout + ok.stderr).not.toContain('secret-value');
  });
});
