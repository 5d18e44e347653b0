import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/report/types.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

/** The simulator's truth: the chance each family changes the prompted model's answer, and the fine-tuned one's. */
const PROMPTED = { typos: 0.3, case: 0, instruction: 0.25, examples_order: 0.15, label_order: 0.2 };
const FINETUNED = { typos: 0.03, case: 0 };
const CASES = 200;
const SAMPLE = 80;

let dir: string;
let suite: string;

async function run(...extra: string[]) {
  const out = `out-${extra.join('-').replace(/[^a-z0-9]+/g, '') || 'all'}-${Math.random().toString(36).slice(2)}`;
  const result = await runCli(
    ['run', suite, '--sim-config', 'sim.yaml', '--no-cache', '--quiet', '--out', out, ...extra],
    {
      cwd: dir,
    },
  );
  const results =
    result.code === 0 || result.code === 1
      ? (JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as RunResults)
      : undefined;
  return { ...result, results };
}

beforeAll(async () => {
  dir = await tempDir();
  const dataset = await copyBankingSample(dir);
  const rows = await readJsonl<{ expected: string }>(BANKING_SAMPLE);
  const labels = [...new Set(rows.map((row) => row.expected))].sort();
  const system = `Answer with one intent label from the list below, and nothing else.\n\nLabels:\n${labels.map((l) => `- ${l}`).join('\n')}`;
  await writeFile(join(dir, 'system.md'), system);
  await writeFile(
    join(dir, 'rewordings.yaml'),
    `- ${JSON.stringify(`Reply with a single intent label taken from this list; say nothing else.\n\nLabels:\n${labels.map((l) => `- ${l}`).join('\n')}`)}\n- ${JSON.stringify(`Pick the intent of the message. Only one label from the list, no other words.\n\nLabels:\n${labels.map((l) => `- ${l}`).join('\n')}`)}\n`,
  );
  await writeFile(
    join(dir, 'examples.jsonl'),
    [
      { input: 'Where is my new card?', output: 'card_arrival' },
      { input: 'I want my money back for this item', output: 'request_refund' },
      { input: 'My PIN is blocked', output: 'pin_blocked' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  await writeFile(
    join(dir, 'sim.yaml'),
    `seed: 5
shared_difficulty: 0.9
models:
  big: { accuracy: 0.9, latency_ms: 1, fragility: ${JSON.stringify(PROMPTED)} }
  small: { accuracy: 0.9, latency_ms: 1, fragility: ${JSON.stringify(FINETUNED)} }
`,
  );
  suite = await writeSuite(
    dir,
    'suite.yaml',
    `name: fragile
dataset: { path: ${dataset} }
task: { kind: classification, labels: ${JSON.stringify(labels)} }
providers:
  local: { base_url: "http://127.0.0.1:9/v1", concurrency: 32 }
variants:
  prompted: { role: prompted, provider: local, model: big, system: "file://system.md", examples: "file://examples.jsonl", template: "Message: {{input}}" }
  finetuned: { role: finetuned, provider: local, model: small, template: "{{input}}" }
pricing:
  big: { input: 2, output: 8 }
  small: { input: 0.2, output: 0.8 }
decision: { max_accuracy_loss: 0.05 }
fragility:
  sample: ${SAMPLE}
  seed: 3
  perturbations: [typos, case, instruction, examples_order, label_order]
  per_case: 2
  instructions: file://rewordings.yaml
`,
  );
});

describe('fragility measured on the simulator', () => {
  let measured: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    measured = await run();
  }, 120_000);

  it('finds each configured flip probability inside its interval, per family and variant', () => {
    expect(measured.stderr).not.toMatch(/unexpected error/);
    expect(measured.code).toBe(0);
    const variants = measured.results?.suites[0]?.variants ?? {};
    for (const [name, truth] of [
      ['prompted', PROMPTED],
      ['finetuned', FINETUNED],
    ] as const) {
      const fragility = variants[name]?.fragility;
      expect(fragility?.n_cases).toBe(SAMPLE);
      for (const [family, p] of Object.entries(truth)) {
        const measuredFamily = fragility?.by_perturbation[family as keyof typeof truth];
        expect(measuredFamily?.n, `${name} ${family}`).toBeGreaterThan(SAMPLE);
        const [low, high] = measuredFamily?.flip_rate_ci ?? [1, 0];
        expect(low, `${name} ${family}: ${measuredFamily?.flip_rate}`).toBeLessThanOrEqual(p);
        expect(high, `${name} ${family}: ${measuredFamily?.flip_rate}`).toBeGreaterThanOrEqual(p);
      }
      // Prompt families need a prompt: the fine-tuned variant has neither system prompt nor examples.
      if (name === 'finetuned') expect(Object.keys(fragility?.by_perturbation ?? {}).sort()).toEqual(['case', 'typos']);
    }
  });

  it('keeps fragility calls out of the accuracy, counts them in the run, and prices them apart', () => {
    const results = measured.results as RunResults;
    const [only] = results.suites;
    expect(only?.variants.prompted?.metrics.n).toBe(CASES);
    expect(only?.variants.finetuned?.metrics.n).toBe(CASES);
    const perturbed =
      (only?.variants.prompted?.fragility?.n_calls ?? 0) + (only?.variants.finetuned?.fragility?.n_calls ?? 0);
    expect(results.summary.calls).toBe(2 * CASES + perturbed);
    const split = results.summary.cost_usd;
    expect(split?.fragility).toBeGreaterThan(0);
    expect((split?.evaluation ?? 0) + (split?.fragility ?? 0)).toBeCloseTo(results.summary.spent_usd, 9);
    expect(only?.variants.prompted?.fragility?.cost_usd).toBeGreaterThan(0);
  });

  it('compares the two paired by case, and the verdict names the steadier candidate', () => {
    const [only] = measured.results?.suites ?? [];
    const comparison = only?.comparison.finetuned?.fragility;
    expect(comparison?.n_cases).toBe(SAMPLE);
    expect(comparison?.difference_ci[1]).toBeLessThan(0);
    expect(only?.verdict.decision).toBe('switch');
    expect(only?.verdict.reasons.join('\n')).toMatch(
      /It is steadier: finetuned changes its answer on [\d.]+% of perturbed inputs, prompted on [\d.]+%/,
    );
    expect(only?.fragile_cases?.some((c) => c.variant === 'prompted' && c.perturbed_answer !== c.answer)).toBe(true);
  });

  it('writes fragility into results.json as the published schema documents it', async () => {
    const schema = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    ajv.validate(schema, measured.results);
    expect(ajv.errors ?? []).toEqual([]);
    const fragility = measured.results?.suites[0]?.variants.prompted?.fragility ?? {};
    expect(Object.keys(fragility).filter((key) => !(key in schema.definitions.fragility.properties))).toEqual([]);
  });

  it('is deterministic: the same seed sends the same perturbations and measures the same rates', async () => {
    const again = await run();
    const rates = (r: RunResults | undefined) =>
      Object.fromEntries(
        Object.entries(r?.suites[0]?.variants ?? {}).map(([name, v]) => [name, v.fragility?.by_perturbation]),
      );
    expect(rates(again.results)).toEqual(rates(measured.results));
  }, 120_000);
});

describe('--no-fragility and the budget', () => {
  it('skips the perturbed calls', async () => {
    const skipped = await run('--no-fragility');
    expect(skipped.code).toBe(0);
    expect(skipped.results?.summary.calls).toBe(2 * CASES);
    expect(skipped.results?.suites[0]?.variants.prompted?.fragility).toBeUndefined();
    expect(skipped.results?.summary.cost_usd).toEqual({ evaluation: skipped.results?.summary.spent_usd, fragility: 0 });
  });

  it('counts the fragility calls in the estimate the budget guard refuses on', async () => {
    const plain = await run('--no-fragility');
    const spent = plain.results?.summary.spent_usd ?? 0;
    // Enough for the evaluation, not for the evaluation and its perturbed calls.
    const budget = (spent * 1.6).toFixed(4);
    const refused = await run('--max-cost-usd', budget);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/estimated cost \$[\d.]+ exceeds --max-cost-usd/);
    const fits = await run('--no-fragility', '--max-cost-usd', budget);
    expect(fits.code).toBe(0);
  }, 120_000);
});

describe('instruction rewordings the teacher writes once', () => {
  it('writes them next to the suite when the file is missing, for review, and reuses the file on the next run', async () => {
    const text = await readFile(suite, 'utf8');
    const written = join(dir, 'fresh.rewordings.yaml');
    const fresh = await writeSuite(
      dir,
      'fresh.yaml',
      text.replace('name: fragile', 'name: fresh').replace('  instructions: file://rewordings.yaml\n', ''),
    );
    const first = await runCli(['run', fresh, '--sim-config', 'sim.yaml', '--no-cache', '--quiet', '--out', 'fresh1'], {
      cwd: dir,
    });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(
      `fragility: the teacher wrote 3 rewordings of the system prompt to ${written}; review them`,
    );
    const rewordings = await readFile(written, 'utf8');
    expect(rewordings).toMatch(/^# Rewordings of the system prompt/);
    const results = JSON.parse(await readFile(join(dir, 'fresh1', 'results.json'), 'utf8')) as RunResults;
    expect(results.suites[0]?.variants.prompted?.fragility?.by_perturbation.instruction?.n).toBeGreaterThan(0);
    // Reviewed and kept: the next run reads the file and asks the teacher nothing.
    await writeFile(
      written,
      rewordings.replace('Read these instructions carefully', 'Read these instructions closely'),
    );
    const second = await runCli(
      ['run', fresh, '--sim-config', 'sim.yaml', '--no-cache', '--quiet', '--out', 'fresh2'],
      {
        cwd: dir,
      },
    );
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('the teacher wrote');
    expect(await readFile(written, 'utf8')).toContain('Read these instructions closely');
  }, 120_000);
});

describe('fragility in the run history', () => {
  it("records each variant's flip rate with its interval in the history line", async () => {
    const recorded = await run('--history', 'history.jsonl');
    expect(recorded.code).toBe(0);
    const lines = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = lines.at(-1);
    const prompted = recorded.results?.suites[0]?.variants.prompted?.fragility;
    expect(last.variants.prompted.fragility).toEqual({
      flip_rate: prompted?.flip_rate,
      flip_rate_ci: prompted?.flip_rate_ci,
      n_calls: prompted?.n_calls,
    });
  }, 120_000);
});

describe('fragility and the response cache', () => {
  it("serves a re-run's perturbed calls from the cache: nothing spent, the same measurement", async () => {
    const cached = (out: string) =>
      runCli(['run', suite, '--sim-config', 'sim.yaml', '--cache-dir', 'fragility-cache', '--quiet', '--out', out], {
        cwd: dir,
      });
    expect((await cached('cached1')).code).toBe(0);
    expect((await cached('cached2')).code).toBe(0);
    const read = async (out: string) =>
      JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')) as RunResults;
    const [first, second] = [await read('cached1'), await read('cached2')];
    expect(second.summary.cached).toBe(second.summary.calls);
    expect(second.summary.cost_usd).toEqual({ evaluation: 0, fragility: 0 });
    expect(second.suites[0]?.variants.prompted?.fragility?.by_perturbation).toEqual(
      first.suites[0]?.variants.prompted?.fragility?.by_perturbation,
    );
  }, 120_000);
});
