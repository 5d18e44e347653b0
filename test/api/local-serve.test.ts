import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuites } from '../../src/api/run-suites.js';
import { type ValidateOptions, validateSuites } from '../../src/api/validate.js';
import { formatProblem } from '../../src/errors.js';
import { RUNNER_PRICE_SOURCE } from '../../src/providers/pricing.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { localModelPath } from '../../src/training/local/model.js';
import { readJsonl } from '../e2e/helpers.js';
import { keywordClassifier } from '../sim/local-serve-helpers.js';

const ID = 'local:0123456789ab';

const suiteYaml = ({ provider = '{ local: true }', model = ID, extra = '' } = {}) => `name: s
dataset:
  cases:
    - { input: "I lost my card", expected: card_lost }
    - { input: "my card was stolen", expected: card_lost }
    - { input: "what is my balance", expected: balance }
    - { input: "a card question", expected: balance }
task: { kind: classification, labels: [card_lost, balance] }
providers:
  runner: ${provider}
variants:
  trained:
    role: finetuned
    provider: runner
    model: ${model}
${extra}`;

/** A suite folder (its own workspace: no .git above the temp dir) with the files given. */
async function workspace(files: Record<string, string>, withModel = true): Promise<string> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'tunegate-local-serve-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(cwd, name), text);
  if (withModel) {
    // Its content is the trainer's business; these tests load it through a classifier double.
    await mkdir(path.dirname(localModelPath(cwd, ID)), { recursive: true });
    await writeFile(localModelPath(cwd, ID), '{"format":"tunegate-local-classifier"}\n');
  }
  return cwd;
}

async function validate(cwd: string, options: Partial<ValidateOptions> = {}) {
  const result = await validateSuites(['suite.yaml'], { cwd, env: {}, ...options });
  return { result, problems: result.problems.map(formatProblem) };
}

describe('validating local providers', () => {
  it('loads a suite whose local variant names an existing local model', async () => {
    const { problems, result } = await validate(await workspace({ 'suite.yaml': suiteYaml() }));
    expect(problems).toEqual([]);
    expect(result.suites[0]?.suite.providers.runner).toMatchObject({ local: true, concurrency: 1 });
  });

  it('refuses base_url and api_key_env on a local provider, at each key', async () => {
    const provider = '{ local: true, base_url: "http://127.0.0.1:9/v1", api_key_env: KEY }';
    const { problems } = await validate(await workspace({ 'suite.yaml': suiteYaml({ provider }) }));
    expect(problems).toEqual([
      'suite.yaml:10:36 providers.runner.base_url: a provider with local: true is served by tunegate itself on a loopback port and takes no base_url; remove base_url, or remove local: true to call that server',
      'suite.yaml:10:74 providers.runner.api_key_env: a provider with local: true is served by tunegate itself on a loopback port and takes no api_key_env; remove api_key_env, or remove local: true to call that server',
    ]);
  });

  it('reports a missing local model at the variant model line, saying to run tunegate train', async () => {
    const { problems } = await validate(await workspace({ 'suite.yaml': suiteYaml() }, false));
    expect(problems).toEqual([
      `suite.yaml:15:12 local model ${ID} not found (.tunegate/models/0123456789ab.json); run \`tunegate train\` on a suite with training.backend local to make it, and name the id it prints`,
    ]);
  });

  it('reports a model that is not a local: id on a local provider', async () => {
    const { problems } = await validate(await workspace({ 'suite.yaml': suiteYaml({ model: 'gpt-4o-mini' }) }));
    expect(problems).toEqual([
      'suite.yaml:15:12 provider "runner" (local: true) serves only local:<id> models that `tunegate train` made with training.backend local; "gpt-4o-mini" is not one',
    ]);
  });

  it('reports a local: model on a provider without local: true', async () => {
    const provider = '{ base_url: "http://127.0.0.1:9/v1" }';
    const { problems } = await validate(await workspace({ 'suite.yaml': suiteYaml({ provider }) }));
    expect(problems).toEqual([
      `suite.yaml:15:12 ${ID} is a model tunegate serves itself: put variant "trained" on a provider with local: true (provider "runner" is not one)`,
    ]);
  });
});

async function runLocal(extra = '', simulate?: { unserved?: string[] }) {
  const cwd = await workspace({ 'suite.yaml': suiteYaml({ extra }) });
  const { result, problems } = await validate(cwd, { requireApiKeys: false });
  expect(problems).toEqual([]);
  const loaded: string[] = [];
  const outDir = path.join(cwd, 'out');
  const results = await runSuites(result.suites, {
    outDir,
    cacheDir: path.join(cwd, 'cache'),
    env: {},
    version: 'test',
    ...(simulate ? { simulate } : {}),
    loadLocalModel: async (file) => {
      loaded.push(file);
      return keywordClassifier(ID);
    },
  });
  const records = await readJsonl<{ latency_ms: number; cost_usd: number; simulated: boolean; output: string }>(
    path.join(outDir, 'cases.jsonl'),
  );
  const provider = result.suites[0]?.suite.providers.runner;
  return { cwd, results, records, loaded, provider };
}

describe('running a suite with a local provider', () => {
  it('serves the model for real on a loopback server, stopped after, priced per runner hour', async () => {
    const { cwd, results, records, loaded, provider } = await runLocal();
    expect(loaded).toEqual([localModelPath(cwd, ID)]);
    expect(results.simulated).toBe(false);
    const suite = results.suites[0];
    expect(suite?.simulated).toBe(false);
    expect(suite?.variants.trained?.metrics.accuracy).toBe(0.75); // the double reads "card": one case it gets wrong
    expect(records.map((r) => r.output)).toEqual(['card_lost', 'card_lost', 'balance', 'card_lost']);
    expect(suite?.variants.trained?.price_source).toBe(RUNNER_PRICE_SOURCE);
    expect(suite?.variants.trained?.price).toContain('0.36');
    for (const record of records) {
      expect(record.simulated).toBe(false);
      expect(record.latency_ms).toBeGreaterThan(0);
      expect(record.cost_usd).toBeCloseTo((0.36 * record.latency_ms) / 3_600_000, 15);
    }
    expect(renderMarkdownReport(results)).toContain(RUNNER_PRICE_SOURCE);
    expect(renderMarkdownReport(results)).not.toMatch(/simulat/i);
    expect(provider?.cache_identity).toBe('tunegate-local');
    expect(provider?.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    await expect(fetch(`${provider?.base_url}/models`)).rejects.toThrow();
  });

  it('prices the model at $0 when the suite says per_hour: 0', async () => {
    const { results, records } = await runLocal(`pricing:\n  "${ID}": { per_hour: 0 }\n`);
    expect(results.suites[0]?.variants.trained?.price_source).toBe('suite');
    expect(records.every((record) => record.cost_usd === 0)).toBe(true);
  });

  it('refuses, before any call, a local: model put on another provider after validation (a promotion contest)', async () => {
    const cwd = await workspace({ 'suite.yaml': suiteYaml() });
    const { result } = await validate(cwd);
    const entry = result.suites[0];
    if (!entry) throw new Error('the suite did not load');
    const [trained] = entry.suite.variants;
    if (!trained) throw new Error('the suite has no variant');
    entry.suite.providers.web = { ...entry.suite.providers.runner, name: 'web', local: false } as ProviderSpec;
    entry.suite.variants.push({ ...trained, name: 'candidate', provider: 'web' });
    await expect(
      runSuites(result.suites, {
        outDir: path.join(cwd, 'out'),
        env: {},
        version: 'test',
        loadLocalModel: async () => keywordClassifier(ID),
      }),
    ).rejects.toThrow(
      `${ID} is a model tunegate serves itself: put variant "candidate" on a provider with local: true`,
    );
  });

  it('answers local models for real on the simulator too, unmarked', async () => {
    const { results, records } = await runLocal('', {});
    expect(results.suites[0]?.simulated).toBe(false);
    expect(records.map((r) => r.output)).toEqual(['card_lost', 'card_lost', 'balance', 'card_lost']);
  });
});
