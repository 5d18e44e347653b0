import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ValidateOptions, validateSuites } from '../../src/api/validate.js';
import { formatProblem } from '../../src/errors.js';

async function validate(files: Record<string, string>, options: Partial<ValidateOptions> = {}) {
  const cwd = await mkdtemp(path.join(tmpdir(), 'tunegate-validate-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(cwd, name), text);
  const result = await validateSuites(['suite.yaml'], { cwd, env: {}, ...options });
  return {
    loaded: result.suites.map(({ suite, cases }) => `${suite.name}: ${cases.length} cases`),
    problems: result.problems.map(formatProblem),
    warnings: result.warnings.map(formatProblem),
  };
}

const suite = ({ dataset = 'cases: [{ input: a, expected: b }]', template = '"{{input}}"', provider = '' } = {}) =>
  `name: s
dataset:
  ${dataset}
task:
  kind: generation
providers:
  local: { base_url: http://127.0.0.1:8000/v1${provider} }
variants:
  prompted: { role: prompted, provider: local, model: small, template: ${template} }
`;

describe('validateSuites', () => {
  it('loads a sound suite with its cases', async () => {
    expect(await validate({ 'suite.yaml': suite() })).toEqual({ loaded: ['s: 1 cases'], problems: [], warnings: [] });
  });

  it('refuses a template field a row lacks, at that row of the dataset', async () => {
    const rows = ['{"input": "a", "topic": "x", "expected": "b"}', '{"input": "c", "expected": "d"}'].join('\n');
    const result = await validate({
      'suite.yaml': suite({ dataset: 'path: data.jsonl', template: '"{{topic}}: {{input}}"' }),
      'data.jsonl': `${rows}\n`,
    });
    expect(result.loaded).toEqual([]);
    expect(result.problems).toEqual([
      'data.jsonl:2:1 variant "prompted" template uses {{topic}} but this row has no "topic" field; add it to the dataset or change the template',
    ]);
  });

  it('refuses a dataset without cases, at the dataset key', async () => {
    const result = await validate({ 'suite.yaml': suite({ dataset: 'path: data.jsonl' }), 'data.jsonl': '' });
    expect(result.loaded).toEqual([]);
    expect(result.problems).toEqual(['suite.yaml:2:1 the dataset has no cases; add rows or fix the sample size']);
  });

  describe('an unset API key variable', () => {
    const keyed = { 'suite.yaml': suite({ provider: ', api_key_env: TUNEGATE_TEST_KEY' }) };
    const message =
      'suite.yaml:7:61 providers.local.api_key_env: set TUNEGATE_TEST_KEY in the environment (or remove api_key_env for servers that need no key)';

    it('is a problem by default: a run would call the model', async () => {
      expect(await validate(keyed)).toEqual({ loaded: [], problems: [message], warnings: [] });
    });

    it('is only a warning when nothing calls a model, and the suite loads', async () => {
      const result = await validate(keyed, { missingApiKey: 'warning' });
      expect(result.problems).toEqual([]);
      expect(result.loaded).toEqual(['s: 1 cases']);
      expect(result.warnings).toEqual([message.replace('in the environment (', 'in the environment before a run (')]);
    });

    it('is nothing at all when set, or when no provider will be reached', async () => {
      expect((await validate(keyed, { env: { TUNEGATE_TEST_KEY: 'k' } })).warnings).toEqual([]);
      expect(await validate(keyed, { requireApiKeys: false })).toEqual({
        loaded: ['s: 1 cases'],
        problems: [],
        warnings: [],
      });
    });
  });
});
