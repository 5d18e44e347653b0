import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/report/types.js';
import type { OutOfScopeMetrics } from '../../src/scoring/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { loadLocalModel, saveLocalModel } from '../../src/training/local/model.js';
import { type LabelledText, trainLocalClassifier } from '../../src/training/local/train.js';
import { smallClinc } from '../training/local-fixture.js';
import { readJsonl, runCli, tempDir } from './helpers.js';

type Row = [string, string];
const oos = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/clinc150-oos/data.json'), 'utf8'),
) as Record<'oos_train' | 'oos_val' | 'oos_test', Row[]>;
const labelled = (rows: Row[]): LabelledText[] => rows.map(([input, label]) => ({ input, label }));
const request = (rows: LabelledText[]) => rows.map((row) => ({ ...row, input: `Request: ${row.input}` }));
/** The in-scope test rows, then CLINC150's oos_test rows: the out-of-scope label is answered like any other. */
const testRows = [...smallClinc.test, ...labelled(oos.oos_test)];

/** Text matched as itself inside a regular expression. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Line = { variant: string; index: number; expected: string; output: string | null };

/** The out-of-scope counts worked out here from (gold, answer) pairs, to hold the run's own against. */
function counted(pairs: [string, string][]) {
  const gold = pairs.filter(([expected]) => expected === 'oos');
  const inScope = pairs.filter(([expected]) => expected !== 'oos');
  return {
    cases: gold.length,
    detected: gold.filter(([, answer]) => answer === 'oos').length,
    in_scope_cases: inScope.length,
    in_scope_correct: inScope.filter(([expected, answer]) => answer === expected).length,
    false_alarms: inScope.filter(([, answer]) => answer === 'oos').length,
  };
}

const pick = ({ label, cases, detected, in_scope_cases, in_scope_correct, false_alarms }: OutOfScopeMetrics) => ({
  label,
  cases,
  detected,
  in_scope_cases,
  in_scope_correct,
  false_alarms,
});

describe('a classifier with an out-of-scope label (CLINC150 oos rows), run, sharded and merged', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let predictions: string[];
  let full: Awaited<ReturnType<typeof runCli>>;
  const read = async (out: string) =>
    JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;

  beforeAll(async () => {
    dir = await tempDir('tunegate-oos-');
    const trained = trainLocalClassifier(
      request([...smallClinc.train, ...labelled(oos.oos_train)]),
      request([...smallClinc.validation, ...labelled(oos.oos_val)]),
      { seed: 1, training_sha256: 'x', validation_sha256: null },
    );
    const { id, path: file } = await saveLocalModel(dir, trained.text, trained.train_ms);
    const classifier = await loadLocalModel(file);
    predictions = testRows.map((row) => classifier.predict(`Request: ${row.input}`));
    const cases = testRows.map((row) => ({ input: row.input, expected: row.label }));
    await writeFile(path.join(dir, 'test.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
    simulator = await startSimulator({
      seed: 3,
      cases,
      models: { 'sim-llm': { accuracy: 0.8, latency_ms: 1, jitter_ms: 1 } },
    });
    await writeFile(
      path.join(dir, 'suite.yaml'),
      `name: clinc-oos
dataset: { path: test.jsonl }
task: { kind: classification, out_of_scope: oos }
providers:
  sim: { base_url: ${simulator.url}, concurrency: 8 }
  runner: { local: true }
variants:
  prompted: { role: prompted, provider: sim, model: sim-llm, system: Answer with the intent label only. }
  trained: { role: finetuned, provider: runner, model: "${id}", template: "Request: {{input}}" }
pricing:
  sim-llm: { input: 2, output: 8 }
`,
    );
    full = await runCli(['run', 'suite.yaml', '--out', 'full', '--no-cache', '--quiet', '--markdown', 'full.md'], {
      cwd: dir,
    });
    expect(full.stderr).not.toMatch(/error/i);
    for (const k of [1, 2]) {
      const shard = await runCli(
        ['run', 'suite.yaml', '--out', `s${k}`, '--no-cache', '--quiet', '--shard', `${k}/2`],
        {
          cwd: dir,
        },
      );
      expect(shard.stderr).not.toMatch(/error/i);
    }
  }, 120_000);

  afterAll(async () => {
    await simulator?.close();
  });

  it("reports the trained model's out-of-scope recall from its own predictions", async () => {
    const metrics = (await read('full')).suites[0]?.variants.trained?.metrics.out_of_scope;
    const expected = counted(testRows.map((row, i) => [row.label, predictions[i] as string]));
    expect(expected.cases).toBe(30);
    expect(expected.in_scope_cases).toBe(180);
    // Neither count is trivially zero on this fixture (13 of 30 detected and 7 false alarms when measured).
    expect(expected.detected).toBeGreaterThan(0);
    expect(expected.false_alarms).toBeGreaterThan(0);
    expect(metrics && pick(metrics)).toEqual({ label: 'oos', ...expected });
    expect(metrics?.recall).toBeCloseTo(expected.detected / 30, 12);
    expect(metrics?.in_scope_accuracy).toBeCloseTo(expected.in_scope_correct / 180, 12);
  });

  it("reports the simulated prompted model's from its answers in cases.jsonl", async () => {
    const results = await read('full');
    const lines = await readJsonl<Line>(path.join(dir, 'full', 'cases.jsonl'));
    const prompted = lines.filter((line) => line.variant === 'prompted');
    expect(prompted).toHaveLength(210);
    const expected = counted(prompted.map((line) => [line.expected, (line.output ?? '').trim()]));
    const metrics = results.suites[0]?.variants.prompted?.metrics.out_of_scope;
    expect(metrics && pick(metrics)).toEqual({ label: 'oos', ...expected });
    const schema = JSON.parse(
      await readFile(path.join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    ajv.validate(schema, results);
    expect(ajv.errors ?? []).toEqual([]);
  });

  it('prints one out-of-scope line per variant in the console and Markdown reports', async () => {
    const results = await read('full');
    const markdown = await readFile(path.join(dir, 'full.md'), 'utf8');
    for (const name of ['prompted', 'trained']) {
      const m = results.suites[0]?.variants[name]?.metrics.out_of_scope as OutOfScopeMetrics;
      const counts = `(${m.detected}/${m.cases}), in-scope accuracy ${(m.in_scope_accuracy * 100).toFixed(1)}%`;
      expect(full.stdout).toMatch(new RegExp(`^  ${name}: out of scope \\(oos\\): recall .*${literal(counts)}`, 'm'));
      expect(markdown).toMatch(
        new RegExp(`^- \\*\\*${name}\\*\\* out of scope \\(\`oos\`\\): .*${literal(counts)}`, 'm'),
      );
    }
  });

  it('merges the shards by adding their counts', async () => {
    const merged = await runCli(['merge', 'merged', 's1', 's2'], { cwd: dir });
    expect(merged.stderr).toBe('');
    const [whole, first, second, joined] = await Promise.all(['full', 's1', 's2', 'merged'].map(read));
    for (const name of ['prompted', 'trained']) {
      const of = (r: RunResults | undefined) => r?.suites[0]?.variants[name]?.metrics.out_of_scope as OutOfScopeMetrics;
      const [a, b] = [of(first), of(second)];
      expect(a.cases + b.cases).toBe(30);
      expect(pick(of(joined))).toEqual({
        label: 'oos',
        cases: a.cases + b.cases,
        detected: a.detected + b.detected,
        in_scope_cases: a.in_scope_cases + b.in_scope_cases,
        in_scope_correct: a.in_scope_correct + b.in_scope_correct,
        false_alarms: a.false_alarms + b.false_alarms,
      });
      expect(of(joined)).toEqual(of(whole));
    }
  });
});
