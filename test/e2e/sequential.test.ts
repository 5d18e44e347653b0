import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/report/types.js';
import { copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
const QUIET_SEQUENTIAL = ['--no-cache', '--quiet', '--sequential'];

/** The example suite (603 cases) on the simulator with the two models at these accuracies. */
async function banking(
  name: string,
  accuracy: { prompted: number; finetuned: number; shared?: number },
  extra: string[] = [],
) {
  const simConfig = join(dir, `${name}.yaml`);
  await writeFile(
    simConfig,
    `seed: 7
shared_difficulty: ${accuracy.shared ?? 0.95}
models:
  gpt-5.5: { accuracy: ${accuracy.prompted}, latency_ms: 1 }
  accounts/acme/models/banking77-llama-v3p1-8b: { accuracy: ${accuracy.finetuned}, latency_ms: 1 }
`,
  );
  const out = join(dir, `out-${name}`);
  const run = await runCli(
    ['run', 'evals/banking77.yaml', '--sim-config', simConfig, '--out', out, '--no-cache', '--quiet', '--no-fragility']
      .concat('--markdown', join(out, 'summary.md'))
      .concat(extra),
    { cwd: root },
  );
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
  const markdown = await readFile(join(out, 'summary.md'), 'utf8');
  const records = await readJsonl(join(out, 'cases.jsonl'));
  return { run, results, suite: results.suites[0] as RunResults['suites'][number], markdown, records };
}

beforeAll(async () => {
  dir = await tempDir();
});

describe('run --sequential on the simulator', () => {
  it('a clearly non-inferior candidate stops before the last look, and results.json says so', async () => {
    const { run, results, suite, markdown, records } = await banking('switch', { prompted: 0.93, finetuned: 0.93 }, [
      '--sequential',
    ]);
    // Exit 1 would be a latency gate on a loaded machine; the verdict and the looks are what matter here.
    expect([0, 1], run.stderr).toContain(run.code);
    const sequential = suite.sequential;
    expect(sequential).toMatchObject({ looks_planned: 5, stopped_because: 'non-inferior', cases_planned: 603 });
    expect(sequential?.stopped_at_look).toBeLessThan(5);
    // Looks at equal information over the 603 cases: n_k = ceil(k·603/5).
    expect(sequential?.cases_evaluated).toBe(Math.ceil(((sequential?.stopped_at_look ?? 0) * 603) / 5));
    expect(sequential?.calls_evaluated).toBe(2 * (sequential?.cases_evaluated ?? 0));
    expect(sequential?.calls_saved).toBe(2 * 603 - (sequential?.calls_evaluated ?? 0));
    expect(sequential?.boundaries[0]).toBeCloseTo(4.87, 1);
    // The cases not evaluated are no errors and not in cases.jsonl; the verdict reads the evaluated ones.
    expect(records).toHaveLength(sequential?.calls_evaluated ?? -1);
    expect(results.summary.errors).toBe(0);
    expect(suite.dataset.cases).toBe(sequential?.cases_evaluated);
    expect(suite.comparison.finetuned?.non_inferior).toBe(true);
    // A loaded machine can push the simulator's p95 latency over the suite's gate: the verdict then says so.
    if (Object.values(suite.variants).every((v) => v.passed)) expect(suite.verdict.decision).toBe('switch');
    expect(suite.comparison.finetuned?.accuracy_diff_ci).toEqual([
      sequential?.adjusted_interval.low,
      sequential?.adjusted_interval.high,
    ]);
    expect(sequential?.adjusted_interval.low).toBeGreaterThan(-0.03);
    expect(run.stdout).toMatch(
      /sequential: stopped at look \d of 5: non-inferior; [\d,]+ of 1,206 calls \(\d+% saved, ~\$[\d.]+\); adjusted [\d.]+% interval/,
    );
    expect(markdown).toContain(`Sequential: stopped at look ${sequential?.stopped_at_look} of 5: non-inferior`);
    const schema = JSON.parse(await readFile(join(root, 'schemas', 'results.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a candidate whose interval keeps straddling the margin goes to the last look', async () => {
    // Equal accuracy but independent errors: ~13% discordant cases, so on 603 cases the interval stays
    // about ±3.8 points wide and keeps the 3-point margin inside it, look after look.
    const { run, suite, records } = await banking('close', { prompted: 0.93, finetuned: 0.93, shared: 0 }, [
      '--sequential',
    ]);
    expect([0, 1], run.stderr).toContain(run.code);
    expect(suite.sequential).toMatchObject({
      stopped_at_look: 5,
      stopped_because: 'max-reached',
      cases_evaluated: 603,
      calls_saved: 0,
      usd_saved: 0,
    });
    expect(records).toHaveLength(1206);
    // The last look's bound is 2.031, not 1.960: its interval is the wider 95.8% one.
    expect(suite.sequential?.adjusted_interval.level).toBeCloseTo(0.9578, 3);
    expect(suite.comparison.finetuned?.confidence).toBeCloseTo(0.9578, 3);
    // Not crossed: no switch, whatever the unadjusted 95% interval says.
    expect(suite.comparison.finetuned?.non_inferior).toBe(false);
    expect(suite.verdict.decision).not.toBe('switch');
  });

  it('a candidate at the margin (true loss = δ) does not switch and stops for futility', async () => {
    const { suite } = await banking('margin', { prompted: 0.93, finetuned: 0.9 }, ['--sequential']);
    expect(suite.sequential?.stopped_because).toBe('futile');
    expect(suite.sequential?.stopped_at_look).toBeLessThan(5);
    expect(suite.comparison.finetuned?.non_inferior).toBe(false);
    expect(suite.verdict.decision).not.toBe('switch');
  });

  it('without --sequential the same suite runs every case and has no sequential section', async () => {
    const { suite, records } = await banking('fixed', { prompted: 0.93, finetuned: 0.93 });
    expect(suite.sequential).toBeUndefined();
    expect(records).toHaveLength(1206);
  });
});

describe('--max-cost-usd with sequential looks', () => {
  it('covers the planned maximum: an estimate over it stops the run before any call', async () => {
    const out = join(dir, 'out-budget');
    const run = await runCli(
      [
        'run',
        'evals/banking77.yaml',
        '--sim-config',
        'evals/sim/banking77.yaml',
        '--out',
        out,
        ...QUIET_SEQUENTIAL,
      ].concat('--no-fragility', '--max-cost-usd', '1'),
      { cwd: root },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /estimated cost of the planned maximum \(every look\) \$[\d.]+ exceeds --max-cost-usd \$1/,
    );
  });
});

describe('fragility with sequential looks', () => {
  it('is measured after the last look on cases the looks evaluated', async () => {
    const out = join(dir, 'out-fragility');
    const run = await runCli(
      ['run', 'evals/banking77.yaml', '--sim-config', 'evals/sim/banking77.yaml', '--out', out, ...QUIET_SEQUENTIAL],
      { cwd: root },
    );
    expect([0, 1], run.stderr).toContain(run.code);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    const suite = results.suites[0] as RunResults['suites'][number];
    const evaluated = new Set((await readJsonl<{ case_id: string }>(join(out, 'cases.jsonl'))).map((r) => r.case_id));
    expect(suite.sequential?.stopped_at_look).toBeLessThan(5);
    expect(suite.variants.prompted?.fragility?.flip_rate).toBeGreaterThan(0);
    // Its calls come on top of the regular ones, and every fragile case shown is an evaluated one.
    expect(results.summary.calls).toBeGreaterThan(suite.sequential?.calls_evaluated ?? Infinity);
    expect(results.summary.cost_usd?.fragility).toBeGreaterThan(0);
    for (const fragile of suite.fragile_cases ?? []) expect(evaluated.has(fragile.case_id)).toBe(true);
    // Fragility intervals are at the suite's confidence, not at the comparison's adjusted level.
    expect(run.stdout).toContain('flip rate [95% CI]');
    expect(suite.comparison.finetuned?.confidence).toBeGreaterThan(0.96);
  });
});

describe('decision.sequential in a suite', () => {
  it('a suite without a candidate ignores it with a warning and evaluates every case', async () => {
    const suiteDir = await tempDir();
    const dataset = await copyBankingSample(suiteDir);
    await writeFile(join(suiteDir, 'sim.yaml'), 'models:\n  big: { accuracy: 0.9, latency_ms: 1 }\n');
    const suite = await writeSuite(
      suiteDir,
      'suite.yaml',
      `name: alone
dataset: { path: ${dataset} }
task: { kind: classification }
providers:
  local: { base_url: "http://127.0.0.1:9/v1" }
variants:
  prompted: { role: prompted, provider: local, model: big, template: "{{input}}" }
decision: { sequential: { looks: 3 } }
`,
    );
    const run = await runCli(['run', suite, '--sim-config', 'sim.yaml', '--no-cache', '--quiet', '--out', 'out'], {
      cwd: suiteDir,
    });
    expect(run.stderr).toContain('has no baseline and candidate pair to compare; sequential looks are ignored');
    const results = JSON.parse(await readFile(join(suiteDir, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results.suites[0]?.sequential).toBeUndefined();
    expect(results.suites[0]?.dataset.cases).toBe(200);
  });
});
