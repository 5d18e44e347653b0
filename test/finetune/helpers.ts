import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { loadSimCases, type SimConfig, startSimulator } from '../../src/sim/index.js';
import type { ProviderSpec } from '../../src/suite/types.js';
import { BANKING_200 } from '../sim/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A simulator over the BANKING77 fixture, closed after the test. */
export async function startBankingSim(config: Partial<SimConfig> = {}) {
  const cases = await loadSimCases(BANKING_200);
  const sim = await startSimulator({ cases, models: {}, ...config });
  cleanups.push(sim.close);
  return { sim, cases };
}

export function simProvider(url: string, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: 'sim',
    base_url: url,
    headers: {},
    timeout_ms: 5000,
    max_retries: 0,
    concurrency: 8,
    stream: false,
    stream_usage: true,
    ...overrides,
  };
}

/** A chat fine-tuning JSONL with `count` examples, in a temporary directory removed after the test. */
export async function trainingFile(count: number, name = 'train.jsonl'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tunegate-ft-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `example ${i}` },
        { role: 'assistant', content: `label_${i % 3}` },
      ],
    }),
  );
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** No waiting between polls: the simulator advances a job on every retrieve. */
export const noSleep = async () => {};

/** The TunegateError a promise rejects with (fails the test when it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<TunegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TunegateError);
  return error as TunegateError;
}

/** A refusal said in words: no JSON, no stack, none of the secrets. */
export function expectPlainWords(message: string, secrets: string[]) {
  expect(message).not.toMatch(/[{}]|\n\s+at /);
  for (const secret of secrets) expect(message).not.toContain(secret);
}

/** A one-case classification suite named intents, with one provider and its fine-tuned variant, then `training`. */
export function trainingSuiteYaml(provider: { name: string; spec: string }, training: string): string {
  return `name: intents
dataset: { cases: [{ input: a, expected: b }] }
task: { kind: classification }
providers:
  ${provider.name}: ${provider.spec}
variants:
  finetuned: { role: finetuned, provider: ${provider.name}, model: intents-current }
training:
${training}`;
}
