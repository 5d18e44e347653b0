import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

/** The run's date: 43 days before gpt-4.1's shutdown on 2027-01-14. */
const NOW = new Date('2026-12-02T09:00:00Z');
const FINE_TUNE = 'ft:gpt-4.1-mini-2025-04-14:acme:intents:1';

function suiteYaml(baseUrl: string, { small = FINE_TUNE, extra = '', key = '' } = {}): string {
  return `name: lifecycle
dataset: { path: banking.jsonl, sample: { size: 20, seed: 1 } }
task: { kind: classification }
providers:
  sim: { base_url: ${baseUrl}, concurrency: 8, max_retries: 0${key} }
variants:
  prompted:
    role: prompted
    provider: sim
    model: gpt-4.1-2025-04-14
    system: Answer with the intent label only.
  small:
    role: finetuned
    provider: sim
    model: ${small}
  served: { role: finetuned, provider: sim, model: gpt-5.5 }
decision: { candidate: small }
${extra}`;
}

/** `file:line:col` of a variant's `model:` value in the suite text. */
function modelAt(file: string, yaml: string, model: string): string {
  const lines = yaml.split('\n');
  const index = lines.findIndex((line) => line.trim() === `model: ${model}`);
  return `${file}:${index + 1}:${(lines[index] as string).indexOf(model) + 1}`;
}

interface Results {
  suites: {
    variants: Record<
      string,
      {
        passed: boolean;
        thresholds: { metric: string; limit: number; actual: number | null; pass: boolean }[];
        lifecycle?: unknown;
      }
    >;
    verdict: { decision: string; reasons: string[] };
  }[];
}

describe('model lifecycles against a simulator that serves shutdown dates', () => {
  let simulator: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startSimulator({
      cases: await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE),
      models: {
        'gpt-4.1-2025-04-14': { accuracy: 0.9, shutdown_date: '2027-01-14' },
        'gpt-4.1-mini-2025-04-14': { accuracy: 0.8, shutdown_date: '2027-01-14' },
        [FINE_TUNE]: { accuracy: 0.9 },
        'gpt-5.5': { accuracy: 0.9, shutdown_date: null },
        'retired-model': { accuracy: 0.9, shutdown_date: '2026-11-01' },
      },
    });
    dir = await tempDir();
    await copyBankingSample(dir);
  });
  afterAll(() => simulator?.close());

  it('warns at each model’s file:line:col and writes lifecycle into results.json and the report', async () => {
    const yaml = suiteYaml(simulator.url);
    const suite = await writeSuite(dir, 'warn.yaml', yaml);
    const run = await runCli(
      ['run', suite, '--out', 'out-warn', '--no-cache', '--quiet', '--markdown', 'out-warn/summary.md'],
      { cwd: dir, now: NOW },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: ${modelAt(suite, yaml, 'gpt-4.1-2025-04-14')} variants.prompted.model: gpt-4.1-2025-04-14 shuts down on 2027-01-14, in 43 days (the provider's date); fine-tunes built on it stop the same day; OpenAI suggests gpt-6-luna\n`,
    );
    expect(run.stderr).toContain(
      `warning: ${modelAt(suite, yaml, FINE_TUNE)} variants.small.model: ${FINE_TUNE} is built on gpt-4.1-mini-2025-04-14, which shuts down on 2027-01-14, in 43 days (the provider's date); the fine-tune stops the same day; OpenAI suggests gpt-6-luna\n`,
    );
    expect(run.stderr).not.toContain('variants.served');
    const results = JSON.parse(await readFile(join(dir, 'out-warn', 'results.json'), 'utf8')) as Results;
    const variants = results.suites[0]?.variants ?? {};
    expect(variants.prompted?.lifecycle).toEqual({
      model: 'gpt-4.1-2025-04-14',
      shutdown_date: '2027-01-14',
      days_left: 43,
      source: 'provider',
      replacement: 'gpt-6-luna',
    });
    expect(variants.small?.lifecycle).toMatchObject({
      model: 'gpt-4.1-mini-2025-04-14',
      days_left: 43,
      source: 'provider',
    });
    expect(variants.served?.lifecycle).toEqual({
      model: 'gpt-5.5',
      shutdown_date: null,
      days_left: null,
      source: null,
      replacement: null,
    });
    // The verdict is told the same dates: the prompted baseline is leaving too.
    expect(results.suites[0]?.verdict.reasons).toContain(
      'prompted (gpt-4.1-2025-04-14) shuts down on 2027-01-14, in 43 days; the platform suggests gpt-6-luna: move its prompt to a served model and evaluate it here before then.',
    );
    const markdown = await readFile(join(dir, 'out-warn', 'summary.md'), 'utf8');
    expect(markdown).toContain(
      "- ⏳ **prompted**: `gpt-4.1-2025-04-14` shuts down on 2027-01-14, in 43 days (the provider's date); fine-tunes built on it stop the same day; OpenAI suggests `gpt-6-luna`.",
    );
    expect(markdown).toContain(`- ⏳ **small**: \`${FINE_TUNE}\` is built on \`gpt-4.1-mini-2025-04-14\``);
    expect(markdown).not.toContain('**served**:');
  });

  it('stops a run on a shut-down model before any call: exit 2, the date in the message, nothing written', async () => {
    const yaml = suiteYaml(simulator.url, { small: 'retired-model' });
    const suite = await writeSuite(dir, 'retired.yaml', yaml);
    const completions = simulator.stats.completions;
    const run = await runCli(['run', suite, '--out', 'out-retired', '--no-cache', '--quiet'], { cwd: dir, now: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${modelAt(suite, yaml, 'retired-model')} variants.small.model: retired-model shut down on 2026-11-01 (31 days ago, the provider's date); every call to it fails; choose a served model`,
    );
    expect(run.stderr).toContain('nothing was run and no model was called');
    expect(simulator.stats.completions).toBe(completions);
    await expect(stat(join(dir, 'out-retired', 'results.json'))).rejects.toThrow();
  });

  it('gates thresholds.min_days_to_shutdown (exit 1 below it; a model without a date passes)', async () => {
    const gated = async (days: number) => {
      const suite = await writeSuite(
        dir,
        `gate-${days}.yaml`,
        suiteYaml(simulator.url, { extra: `thresholds: { min_days_to_shutdown: ${days} }\n` }),
      );
      const out = `out-gate-${days}`;
      const run = await runCli(['run', suite, '--out', out, '--no-cache', '--quiet'], { cwd: dir, now: NOW });
      const results = JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as Results;
      return { run, variants: results.suites[0]?.variants ?? {} };
    };
    const strict = await gated(60);
    expect(strict.run.code).toBe(1);
    expect(strict.variants.prompted?.thresholds).toContainEqual({
      metric: 'days_to_shutdown',
      op: 'min',
      limit: 60,
      actual: 43,
      pass: false,
    });
    expect(strict.variants.small?.passed).toBe(false);
    expect(strict.variants.served?.thresholds).toContainEqual(
      expect.objectContaining({ metric: 'days_to_shutdown', actual: null, pass: true }),
    );
    expect(strict.run.stdout).toContain('✗ prompted: days_to_shutdown ≥ 60, got 43');
    const lenient = await gated(30);
    expect(lenient.run.code).toBe(0);
    expect(Object.values(lenient.variants).every((v) => v.passed)).toBe(true);
  });

  it('asks the provider once a day: a second run with the same cache dir asks no /models again', async () => {
    const suite = await writeSuite(dir, 'cached.yaml', suiteYaml(simulator.url));
    const cacheDir = await tempDir();
    const runOnce = () =>
      runCli(['run', suite, '--out', 'out-cached', '--cache-dir', cacheDir, '--quiet'], { cwd: dir, now: NOW });
    const before = simulator.stats.models;
    expect((await runOnce()).code).toBe(0);
    const asked = simulator.stats.models - before;
    expect(asked).toBeGreaterThanOrEqual(3);
    const second = await runOnce();
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('gpt-4.1-2025-04-14 shuts down on 2027-01-14, in 43 days');
    expect(simulator.stats.models - before).toBe(asked);
  });

  it('validate asks the provider when its key is set, and refuses a shut-down model (exit 2)', async () => {
    const keyed = suiteYaml(simulator.url, { key: ', api_key_env: TUNEGATE_TEST_KEY' });
    const suite = await writeSuite(dir, 'validate.yaml', keyed);
    const env = { TUNEGATE_TEST_KEY: 'k' };
    const before = simulator.stats.models;
    const ok = await runCli(['validate', suite, '--no-cache'], { cwd: dir, env, now: NOW });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(
      `${modelAt(suite, keyed, 'gpt-4.1-2025-04-14')} variants.prompted.model: gpt-4.1-2025-04-14 shuts down on 2027-01-14`,
    );
    expect(simulator.stats.models).toBeGreaterThan(before);
    const retired = await writeSuite(
      dir,
      'validate-retired.yaml',
      suiteYaml(simulator.url, { small: 'retired-model', key: ', api_key_env: TUNEGATE_TEST_KEY' }),
    );
    const refused = await runCli(['validate', retired, '--no-cache'], { cwd: dir, env, now: NOW });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('retired-model shut down on 2026-11-01');
    // Offline (--simulate) nothing is asked.
    const asked = simulator.stats.models;
    expect((await runCli(['validate', suite, '--simulate', '--no-cache'], { cwd: dir, now: NOW })).code).toBe(0);
    expect(simulator.stats.models).toBe(asked);
  });
});

describe('the built-in table on the simulator (--sim-config keeps the openai platform)', () => {
  it('stops a fine-tune whose OpenAI base has shut down, and warns before the date', async () => {
    const dir = await tempDir();
    await copyBankingSample(dir);
    const yaml = `name: builtin
dataset: { path: banking.jsonl, sample: { size: 10, seed: 1 } }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-4.1 }
  small:
    role: finetuned
    provider: openai
    model: ft:gpt-4.1-nano-2025-04-14:acme:intents:1
`;
    const suite = await writeSuite(dir, 'builtin.yaml', yaml);
    await writeFile(
      join(dir, 'sim.yaml'),
      'models:\n  gpt-4.1: { accuracy: 0.9 }\n  ft:gpt-4.1-nano-2025-04-14:acme:intents:1: { accuracy: 0.8 }\n',
    );
    const argv = ['run', suite, '--sim-config', 'sim.yaml', '--out', 'out', '--no-cache', '--quiet'];
    const stopped = await runCli(argv, { cwd: dir, now: NOW });
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toContain(
      `${modelAt(suite, yaml, 'ft:gpt-4.1-nano-2025-04-14:acme:intents:1')} variants.small.model: ft:gpt-4.1-nano-2025-04-14:acme:intents:1 is built on gpt-4.1-nano-2025-04-14, which shut down on 2026-10-23 (40 days ago, OpenAI's deprecations page); the fine-tune stopped with it`,
    );
    await expect(stat(join(dir, 'out', 'results.json'))).rejects.toThrow();
    const before = await runCli(argv, { cwd: dir, now: new Date('2026-10-01T12:00:00Z') });
    expect(before.code).toBe(0);
    expect(before.stderr).toContain(
      "variants.small.model: ft:gpt-4.1-nano-2025-04-14:acme:intents:1 is built on gpt-4.1-nano-2025-04-14, which shuts down on 2026-10-23, in 22 days (OpenAI's deprecations page)",
    );
    expect(before.stderr).toContain(
      "variants.prompted.model: gpt-4.1 shuts down on 2027-01-14, in 105 days (OpenAI's deprecations page); fine-tunes built on it stop the same day; OpenAI suggests gpt-6-luna",
    );
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as Results;
    expect(results.suites[0]?.variants.prompted?.lifecycle).toMatchObject({ source: 'built-in', days_left: 105 });
  });
});
