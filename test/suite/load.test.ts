import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import { minimal } from './minimal-suite.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const suitesDir = path.join(fixtures, 'suites');
const env = { OPENAI_API_KEY: 'test-key' };

async function loadOne(file: string, options: { env?: Record<string, string | undefined> } = {}) {
  const result = await loadSuites([file], { cwd: suitesDir, env: options.env ?? env });
  expect(result.problems.map(formatProblem)).toEqual([]);
  const [suite] = result.suites;
  if (!suite) throw new Error(`${file} did not load`);
  return { suite, warnings: result.warnings };
}

async function suiteInTempDir(yaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-suite-'));
  await writeFile(path.join(dir, 'suite.yaml'), yaml);
  return dir;
}

describe('loadSuites resolves a suite', () => {
  it('reads every file:// reference and makes paths absolute', async () => {
    const { suite } = await loadOne('banking.yaml');
    expect(suite.file).toBe('banking.yaml');
    expect(suite.dir).toBe(suitesDir);
    expect(suite.dataset).toEqual({
      path: path.join(suitesDir, 'data/banking.jsonl'),
      format: 'jsonl',
      input: 'input',
      expected: 'expected',
      ref: { file: 'banking.yaml', line: 4, col: 1 },
    });
    expect(suite.task.labels).toHaveLength(20);
    expect(suite.task.labels).toContain('card_arrival');
    const prompted = suite.variants.find((v) => v.name === 'zeta-prompted');
    expect(prompted?.system).toBe(
      'You route banking support messages to exactly one intent.\nAnswer with the intent name only.',
    );
    // The blank line in the examples file is skipped.
    expect(prompted?.examples).toEqual([
      { input: 'My card still has not arrived.', output: 'card_arrival' },
      { input: 'Why was I charged twice?', output: 'transaction_charged_twice' },
    ]);
    const json = suite.scoring.find((s) => s.type === 'json');
    expect(json).toEqual({
      type: 'json',
      normalize: ['trim'],
      fields: ['intent'],
      schema: { type: 'object', required: ['intent'], properties: { intent: { type: 'string' } } },
    });
    expect(suite.scoring.find((s) => s.type === 'custom')).toEqual({
      type: 'custom',
      module: path.join(suitesDir, 'scorers/starts-with-expected.js'),
      export: 'startsWithExpected',
    });
  });

  it('applies scorer defaults from the schema', async () => {
    const { suite } = await loadOne('banking.yaml');
    expect(suite.scoring.slice(0, 4)).toEqual([
      { type: 'labels', normalize: ['trim', 'lowercase'] },
      { type: 'exact', normalize: ['trim', 'lowercase'] },
      { type: 'contains', value: '_', normalize: [] },
      { type: 'regex', pattern: '^[a-z_]+$', flags: 'i' },
    ]);
  });

  it('turns providers and variants into specs with defaults, variants in file order', async () => {
    const { suite } = await loadOne('banking.yaml');
    expect(suite.providers.openai).toEqual({
      name: 'openai',
      api_key_env: 'OPENAI_API_KEY',
      headers: {},
      timeout_ms: 60000,
      max_retries: 4,
      concurrency: 8,
      stream: false,
      stream_usage: true,
    });
    expect(suite.providers.local).toMatchObject({
      base_url: 'http://127.0.0.1:11434/v1',
      headers: { 'X-Team': 'search' },
      timeout_ms: 5000,
      stream: true,
      api_version: '2024-10-21',
    });
    expect(suite.variants.map((v) => v.name)).toEqual(['zeta-prompted', 'alpha-finetuned']);
    const [prompted, finetuned] = suite.variants;
    expect(prompted).toMatchObject({ role: 'prompted', provider: 'openai', model: 'gpt-5.5' });
    expect(prompted?.params).toEqual({ temperature: 0, max_tokens: 16 });
    expect(finetuned).toMatchObject({
      role: 'finetuned',
      template: '{{input}}',
      params: {},
      system: 'Answer with the intent only.',
      examples: [{ input: 'Where is my card?', output: 'card_arrival' }],
    });
  });

  it('keeps pricing, thresholds and fills decision defaults', async () => {
    const { suite } = await loadOne('banking.yaml');
    expect(suite.pricing['ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123']).toEqual({
      input: 0.2,
      cached_input: 0.05,
      output: 0.8,
    });
    expect(suite.pricing['llama-3-8b']).toEqual({ per_hour: 1.2, requests_per_hour: 20000 });
    expect(suite.thresholds).toEqual({
      error_rate: { max: 0.01 },
      accuracy: { min: 0.85 },
      latency_p95_ms: { max: 2000 },
      cost_per_1k_usd: { max: 3 },
    });
    expect(suite.decision).toEqual({
      monthly_requests: 1000000,
      training_cost_usd: 'auto',
      max_accuracy_loss: 0.01,
      confidence: 0.95,
      training_epochs: 3,
      payback_months: 6,
      pain_monthly_cost_usd: 1000,
      long_prompt_tokens: 1000,
      min_training_examples: 100,
      max_flip_rate: 0.05,
      drift_latency_pct: 25,
      drift_cost_pct: 25,
      fail_on: ['retrain'],
    });
  });

  it('picks default scoring by task kind', async () => {
    expect((await loadOne('inline.yaml')).suite.scoring).toEqual([{ type: 'exact', normalize: ['trim'] }]);
    expect((await loadOne('sampled.yaml')).suite.scoring).toEqual([
      { type: 'labels', normalize: ['trim', 'lowercase'] },
    ]);
    const dir = await suiteInTempDir(
      minimal('  v: { role: finetuned, provider: local, model: m }').replace('generation', 'extraction'),
    );
    const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
    expect(result.suites[0]?.scoring).toEqual([{ type: 'json', normalize: ['trim'] }]);
  });

  it('gates the error rate at 1% by default; a suite sets its own limit', async () => {
    const variants = '  v: { role: prompted, provider: local, model: m }';
    const byDefault = await suiteInTempDir(minimal(variants));
    const own = await suiteInTempDir(minimal(variants, 'thresholds: { error_rate: { max: 0.05 } }'));
    const [defaulted] = (await loadSuites(['suite.yaml'], { cwd: byDefault, env: {} })).suites;
    const [overridden] = (await loadSuites(['suite.yaml'], { cwd: own, env: {} })).suites;
    expect(defaulted?.thresholds).toEqual({ error_rate: { max: 0.01 } });
    expect(overridden?.thresholds).toEqual({ error_rate: { max: 0.05 } });
  });

  it('keeps variant order even for numeric names', async () => {
    const dir = await suiteInTempDir(
      minimal(
        [
          '  b: { role: prompted, provider: local, model: m }',
          '  "2": { role: finetuned, provider: local, model: m }',
        ].join('\n'),
      ),
    );
    const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
    expect(result.suites[0]?.variants.map((v) => v.name)).toEqual(['b', '2']);
  });
});

describe('loadSuites inputs and checks', () => {
  it('expands globs, loads each file once and reports none missing', async () => {
    const result = await loadSuites(['*.yaml', 'inline.yaml'], { cwd: suitesDir, env });
    expect(result.problems).toEqual([]);
    expect(result.suites.map((s) => s.file)).toEqual(['banking.yaml', 'csv.yaml', 'inline.yaml', 'sampled.yaml']);
  });

  it('shows referenced files relative to cwd', async () => {
    const result = await loadSuites(['malformed-examples/suite.yaml'], {
      cwd: path.join(fixtures, 'broken'),
      env: {},
    });
    expect(result.problems.map((p) => p.file)).toEqual([
      'malformed-examples/few-shot.jsonl',
      'malformed-examples/few-shot.jsonl',
    ]);
    expect(result.suites).toEqual([]);
  });

  it('checks API key variables unless told not to, and treats an empty one as unset', async () => {
    const withEmpty = await loadSuites(['banking.yaml'], { cwd: suitesDir, env: { OPENAI_API_KEY: '' } });
    expect(withEmpty.problems.map((p) => [p.code, p.line, p.col])).toEqual([['api-key', 17, 26]]);
    expect(withEmpty.suites).toEqual([]);
    const keyless = await loadSuites(['banking.yaml'], { cwd: suitesDir, env: {}, requireApiKeys: false });
    expect(keyless.problems).toEqual([]);
    expect(keyless.suites).toHaveLength(1);
  });

  it('warns about a template without placeholders', async () => {
    const dir = await suiteInTempDir(
      minimal('  v:\n    role: prompted\n    provider: local\n    model: m\n    template: Hi'),
    );
    const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
    expect(result.problems).toEqual([]);
    expect(result.warnings.map(formatProblem)).toEqual([
      'suite.yaml:13:15 variants.v.template: has no {{field}} placeholder, so every case sends the same message',
    ]);
  });

  it('reports an empty file and a file that is not a mapping', async () => {
    const dir = await suiteInTempDir('');
    await writeFile(path.join(dir, 'list.yaml'), '- a\n- b\n');
    const result = await loadSuites(['suite.yaml', 'list.yaml'], { cwd: dir, env: {} });
    expect(result.problems.map(formatProblem)).toEqual([
      'suite.yaml:1:1 the suite: must be a mapping (got empty)',
      'list.yaml:1:1 the suite: must be a mapping (got a list)',
    ]);
  });
});
