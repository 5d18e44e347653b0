import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { loadSimCases, parseSimConfig } from '../../src/sim/index.js';
import { BANKING_200 } from './helpers.js';

async function rejected(promise: Promise<unknown>): Promise<TunegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TunegateError);
  return error as TunegateError;
}

function thrown(action: () => unknown): TunegateError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TunegateError);
    return error as TunegateError;
  }
  throw new Error('expected a TunegateError');
}

describe('parseSimConfig', () => {
  it('accepts a full config and fills no defaults it was not given', () => {
    const config = parseSimConfig(
      {
        seed: 2,
        models: { 'gpt-4.1': { accuracy: 0.9, latency_ms: 300, jitter_ms: 50, ttft_fraction: 0.2 } },
        default_model: { accuracy: 0.5, cached_prompt_fraction: 0.8 },
        faults: { rate_429: 0.02, rate_500: 0.01, slow_ms: 1000 },
        rate_limit: { requests_per_second: 100, retry_after_ms: 1000 },
        cases: [{ input: 'hi', expected: 'greeting' }],
      },
      'sim.yaml',
    );
    expect(config).toEqual({
      seed: 2,
      cases: [{ input: 'hi', expected: 'greeting' }],
      models: { 'gpt-4.1': { accuracy: 0.9, latency_ms: 300, jitter_ms: 50, ttft_fraction: 0.2 } },
      default_model: { accuracy: 0.5, cached_prompt_fraction: 0.8 },
      faults: { rate_429: 0.02, rate_500: 0.01, slow_ms: 1000 },
      rate_limit: { requests_per_second: 100, retry_after_ms: 1000 },
    });
    expect(parseSimConfig({}, 'empty.yaml')).toEqual({ cases: [], models: {} });
  });

  it('reports every problem at once, with the file and the key', () => {
    const error = thrown(() =>
      parseSimConfig(
        {
          sead: 1,
          models: { a: { accuracy: 1.5 }, b: { latency_ms: -1 }, c: 'fast' },
          faults: { rate_429: 0.7, rate_500: 0.6, rate_typo: 1 },
        },
        'sim.yaml',
      ),
    );
    expect(error.code).toBe('sim-config');
    expect(error.message).toMatch(/^sim\.yaml: 7 problems/);
    for (const fragment of [
      'sead: unknown key',
      'models.a.accuracy: must be a number between 0 and 1',
      'models.b.accuracy: is required',
      'models.b.latency_ms: must be a number ≥ 0',
      'models.c: must be an object',
      'faults.rate_typo: unknown key',
      'faults: the rates add up to 1.3;',
    ]) {
      expect(error.message).toContain(fragment);
    }
  });

  it('checks the rate limit: a rate above 0, known keys, numbers and booleans', () => {
    const error = thrown(() =>
      parseSimConfig(
        {
          rate_limit: { requests_per_second: 0, burst: 0, retry_after_ms: 'soon', headers: 'yes', window: 1 },
          strict_models: 1,
        },
        'sim.yaml',
      ),
    );
    for (const fragment of [
      'rate_limit.requests_per_second: is required: a number above 0',
      'rate_limit.burst: must be a number ≥ 1',
      'rate_limit.retry_after_ms: must be a number ≥ 0, got "soon"',
      'rate_limit.headers: must be true or false',
      'rate_limit.window: unknown key',
      'strict_models: is no longer needed: unknown models answer 404 model_not_found; for a catch-all add `default_model: { accuracy: 1 }`',
    ]) {
      expect(error.message).toContain(fragment);
    }
    expect(thrown(() => parseSimConfig({ rate_limit: 100 }, 'sim.yaml')).message).toContain(
      'rate_limit: must be an object like { requests_per_second: 100',
    );
  });

  it('reads the refusals and deployments of the fine-tuning backends, and checks them', () => {
    const config = parseSimConfig(
      {
        fine_tuning: {
          fine_tunable: ['gpt-4.1-mini-2025-04-14'],
          accounts: ['acme'],
          deploy_denied: true,
          deploy_steps: 2,
        },
      },
      'sim.yaml',
    );
    expect(config.fine_tuning).toEqual({
      fine_tunable: ['gpt-4.1-mini-2025-04-14'],
      accounts: ['acme'],
      deploy_denied: true,
      deploy_steps: 2,
    });
    const error = thrown(() =>
      parseSimConfig(
        { fine_tuning: { fine_tunable: 'all', accounts: [1], deploy_denied: 'no', deploy_steps: 1.5 } },
        'sim.yaml',
      ),
    );
    for (const fragment of [
      'fine_tuning.fine_tunable: must be a list of names',
      'fine_tuning.accounts: must be a list of names',
      'fine_tuning.deploy_denied: must be true or false',
      'fine_tuning.deploy_steps: must be an integer, got 1.5',
    ]) {
      expect(error.message).toContain(fragment);
    }
  });

  it('rejects a config that is not an object', () => {
    expect(thrown(() => parseSimConfig([1, 2], 'sim.json')).message).toContain('sim.json');
  });
});

describe('loadSimCases', () => {
  it('reads {input, expected} lines', async () => {
    const cases = await loadSimCases(BANKING_200);
    expect(cases).toHaveLength(200);
    expect(cases[0]).toEqual({ input: 'How do I locate my card?', expected: 'card_arrival' });
  });

  it('keeps numbers as the file wrote them, as tunegate run reads the gold answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cases-'));
    try {
      const file = join(dir, 'numbers.jsonl');
      await writeFile(file, '{"input": "a", "expected": 1.0}\n{"input": "b", "expected": 42}\n');
      expect(await loadSimCases(file)).toEqual([
        { input: 'a', expected: '1.0' },
        { input: 'b', expected: 42 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('locates bad lines and missing files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cases-'));
    try {
      const file = join(dir, 'bad.jsonl');
      await writeFile(file, '{"input": "a", "expected": "x"}\n\n{"input": 3, "expected": "y"}\n{oops\n');
      const error = await rejected(loadSimCases(file));
      expect(error.problems.map((p) => p.line)).toEqual([3, 4]);
      expect(error.message).toContain(`${file}:4:2 invalid JSON`);
      const missing = await rejected(loadSimCases(join(dir, 'none.jsonl')));
      expect(missing.message).toContain('file not found');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
