import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BaseRun, compareRuns, evaluateBase, suitesTouched } from '../../src/api/base-run.js';
import { changedFiles } from '../../src/api/git.js';
import { runSuites } from '../../src/api/run-suites.js';
import { validateSuites } from '../../src/api/validate.js';
import type { BaseSuiteComparison } from '../../src/decision/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, readJsonl, tempDir } from '../e2e/helpers.js';
import { createTempRepo, type TempRepo } from './git-repo.js';

/** The suite under change: `prompted` reads the prompt file; `finetuned` is the same on both commits. */
const suiteYaml = (url: string, promptedModel: string) => `name: banking
dataset: { path: data/banking.jsonl }
task: { kind: classification }
providers:
  sim: { base_url: ${url}, concurrency: 16 }
variants:
  prompted:
    role: prompted
    provider: sim
    model: ${promptedModel}
    system: file://prompts/system.md
    template: "Message: {{input}}"
  finetuned:
    role: finetuned
    provider: sim
    model: sim-small
`;

const smallSuite = (name: string, url: string, extra = '') => `name: ${name}
dataset:
  cases: [{ input: hello, expected: greet }]
task: { kind: generation }
providers:
  sim: { base_url: ${url} }
variants:
  only: { role: prompted, provider: sim, model: sim-small }
${extra}`;

describe('a pull request measured against its base commit, on the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let repo: TempRepo;
  let baseSha: string;
  let headSha: string;
  let out: string;
  let cacheDir: string;
  const cwd = () => path.join(repo.dir, 'evals');
  const runOptions = () => ({ outDir: out, cacheDir, env: {}, version: 'test' });

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 3,
      cases: [...cases, { input: 'hello', expected: 'greet' }],
      models: { 'sim-good': { accuracy: 0.95 }, 'sim-bad': { accuracy: 0.7 }, 'sim-small': { accuracy: 0.8 } },
    });
    out = await tempDir('tunegate-out-');
    cacheDir = await tempDir('tunegate-cache-');
    repo = await createTempRepo();
    await repo.write({
      'evals/data/banking.jsonl': await readFile(BANKING_SAMPLE, 'utf8'),
      'evals/prompts/system.md': 'Answer with the intent label only.\n',
      'evals/banking.yaml': suiteYaml(simulator.url, 'sim-good'),
      'evals/untouched.yaml': smallSuite('untouched', simulator.url),
      // Broken on base (an unknown key), fixed on head.
      'evals/fixed.yaml': smallSuite('fixed', simulator.url, 'colour: blue\n'),
    });
    baseSha = await repo.commit('base');
    await repo.write({
      'evals/prompts/system.md': 'Reply with a label.\n',
      'evals/banking.yaml': suiteYaml(simulator.url, 'sim-bad'),
      'evals/fixed.yaml': smallSuite('fixed', simulator.url),
      'evals/fresh.yaml': smallSuite('fresh', simulator.url),
    });
    headSha = await repo.commit('head');
  });

  afterAll(async () => {
    await simulator?.close();
  });

  let touched: Set<string>;
  const evaluateTouchedBase = () =>
    evaluateBase({
      cwd: cwd(),
      baseSha,
      patterns: ['*.yaml'],
      suiteNames: [...touched],
      requireApiKeys: false,
      run: runOptions(),
    });
  let headCases: string;
  let base: BaseRun;
  let compared: BaseSuiteComparison[];

  it('runs only the suites a changed file touches', async () => {
    const head = await validateSuites(['*.yaml'], { cwd: cwd(), env: {}, requireApiKeys: false });
    expect(head.problems).toEqual([]);
    touched = suitesTouched(
      head.suites.map((s) => s.suite),
      await changedFiles(cwd(), baseSha, headSha, process.env),
    );
    expect(touched).toEqual(new Set(['banking', 'fixed', 'fresh']));

    const headRun = await runSuites(
      head.suites.filter(({ suite }) => touched.has(suite.name)),
      runOptions(),
    );
    expect(headRun.summary.calls).toBe(402);
    headCases = path.join(out, 'cases.jsonl');

    const completionsBefore = simulator.stats.completions;
    base = await evaluateTouchedBase();
    // The unchanged variant's calls come from the cache the head run filled.
    expect(base.results.summary).toMatchObject({ calls: 400, cached: 200 });
    expect(simulator.stats.completions - completionsBefore).toBe(200);
    expect(base.casesPath).toBe(path.join(out, 'base', 'cases.jsonl'));
    expect(base.missing.sort()).toEqual(['fixed', 'fresh']);
    expect(base.problems).toHaveLength(1);
    expect(base.problems[0]).toMatch(/^fixed\.yaml:\d+:\d+ .*colour/);
    expect(base.results.suites.map((s) => s.name)).toEqual(['banking']);
    expect(base.results.suites[0]?.variants.prompted?.metrics.accuracy).toBe(0.95);
  });

  it('removes the base checkout afterwards', async () => {
    expect(await repo.git('worktree', 'list', '--porcelain')).not.toMatch(/tunegate-base-/);
    expect(await repo.git('status', '--porcelain')).toBe('');
  });

  it('finds the regression of the changed variant and no change in the other', async () => {
    const headSuites = (await validateSuites(['*.yaml'], { cwd: cwd(), env: {}, requireApiKeys: false })).suites;
    const statuses = new Map<string, 'new' | 'skipped'>();
    for (const { suite } of headSuites) if (!touched.has(suite.name)) statuses.set(suite.name, 'skipped');
    for (const name of base.missing) statuses.set(name, 'new');
    compared = await compareRuns(
      headCases,
      base.casesPath,
      headSuites.map((s) => s.suite),
      statuses,
    );
    const byName = new Map(compared.map((s) => [s.suite, s]));
    expect(byName.get('untouched')?.status).toBe('skipped');
    expect(byName.get('fresh')?.status).toBe('new');
    expect(byName.get('fixed')?.status).toBe('new');
    const banking = byName.get('banking');
    expect(banking?.status).toBe('compared');
    const [prompted, finetuned] = banking?.variants ?? [];
    expect(prompted).toMatchObject({ variant: 'prompted', n: 200, base_accuracy: 0.95, head_accuracy: 0.7 });
    expect(prompted?.regression).toBe(true);
    expect(prompted?.flipped.right_to_wrong.length).toBeGreaterThan(0);
    expect(finetuned).toMatchObject({ variant: 'finetuned', n: 200, regression: false, improved: false });
    expect(finetuned?.counts).toMatchObject({ n10: 0, n01: 0 });
  });

  it('costs nothing the second time: every base call is served from the cache, and is not remembered', async () => {
    const completionsBefore = simulator.stats.completions;
    const history = path.join(out, 'history.jsonl');
    const again = await evaluateBase({
      cwd: cwd(),
      baseSha,
      patterns: ['*.yaml'],
      suiteNames: [...touched],
      requireApiKeys: false,
      run: { ...runOptions(), history: { path: history } },
    });
    expect(again.results.history).toBeUndefined();
    await expect(readFile(history, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(simulator.stats.completions).toBe(completionsBefore);
    expect(again.results.summary).toMatchObject({ calls: 400, cached: 400 });
  });

  it('reports a suite file absent on base as missing, not as a problem, and runs nothing', async () => {
    const completionsBefore = simulator.stats.completions;
    const onlyNew = await evaluateBase({
      cwd: cwd(),
      baseSha,
      patterns: ['fresh.yaml'],
      suiteNames: ['fresh'],
      requireApiKeys: false,
      run: runOptions(),
    });
    expect(onlyNew).toMatchObject({ missing: ['fresh'], problems: [] });
    expect(onlyNew.results.suites).toEqual([]);
    expect(simulator.stats.completions).toBe(completionsBefore);
  });
});
