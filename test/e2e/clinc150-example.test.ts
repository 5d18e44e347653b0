import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempRepo } from '../base/git-repo.js';
import { smallClinc } from '../training/local-fixture.js';
import { readJsonl, runCli } from './helpers.js';
import { readmeBlock } from './readme-commands.js';

const root = path.resolve(import.meta.dirname, '../..');
const SUITE = 'evals/clinc150.yaml';
/** Out-of-scope rows kept in the small copy, as in the shipped data (which has 1,000 in its test split). */
const OOS_TEST = 10;
const OOS_TRAIN = 20;

interface Row {
  input: string;
  expected?: string;
  output?: string;
}
interface CaseLine {
  variant: string;
  simulated: boolean;
}
interface Variant {
  simulated?: boolean;
  model: string;
  metrics: { accuracy: number };
}

/**
 * The shipped suite, sim config, prompt and registry, unchanged, in a git work tree ("a clone of this
 * repository"), with the data files cut down: the 30-intent CLINC150 fixture plus a few oos rows of the
 * committed files.
 */
async function smallCopy() {
  const repo = await createTempRepo();
  const shipped = [SUITE, 'evals/sim/clinc150.yaml', 'evals/prompts/clinc150-system.md', 'evals/models.yaml'];
  shipped.push('evals/data/clinc150-labels.txt');
  for (const file of shipped) {
    await mkdir(path.dirname(path.join(repo.dir, file)), { recursive: true });
    await copyFile(path.join(root, file), path.join(repo.dir, file));
  }
  const oos = (rows: Row[]) => rows.filter((row) => (row.expected ?? row.output) === 'oos');
  const oosTest = oos(await readJsonl<Row>(path.join(root, 'evals/data/clinc150-test.jsonl'))).slice(0, OOS_TEST);
  const oosTrain = oos(await readJsonl<Row>(path.join(root, 'evals/data/clinc150-train.jsonl'))).slice(0, OOS_TRAIN);
  const test = [...smallClinc.test.map((row) => ({ input: row.input, expected: row.label })), ...oosTest];
  const train: Row[] = [...smallClinc.train, ...smallClinc.validation].map((r) => ({
    input: r.input,
    output: r.label,
  }));
  train.push(...oosTrain);
  const jsonl = (rows: Row[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  await repo.write({
    'evals/data/clinc150-test.jsonl': jsonl(test),
    'evals/data/clinc150-train.jsonl': jsonl(train),
    '.gitignore': '.tunegate/\ntunegate-results/\ntunegate-training/\n',
  });
  await repo.commit('clone');
  return { repo, tests: test.length, trainRows: train.length };
}

describe('the CLINC150 example loop (run → training-set → train → promote → run) on a small copy', () => {
  it('promotes a local classifier trained on the train rows and then compares it, served for real, with the prompted model', async () => {
    const { repo, tests, trainRows } = await smallCopy();
    const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, env: {} });
    // The README's commands exactly as written; only the model id differs, since the small copy trains another.
    const readme = (await readmeBlock('npx tunegate train evals/clinc150.yaml')).map((command) => command.argv);
    expect(readme.map((argv) => argv[0])).toEqual(['run', 'training-set', 'train', 'promote', 'run']);
    const [runFirst, buildSet, trainModel, promoteModel, runLast] = readme as [
      string[],
      string[],
      string[],
      string[],
      string[],
    ];
    const README_MODEL = /^local:[0-9a-f]{12}$/;
    const results = async () =>
      JSON.parse(await readFile(path.join(repo.dir, 'tunegate-results/results.json'), 'utf8')).suites[0];

    const first = await cli(...runFirst);
    expect(first.code, first.stderr).toBe(0);
    // The logged train rows count as training data: the verdict is to fine-tune, not to go and collect data.
    expect(first.stdout).toMatch(/verdict: FINE-TUNE/);
    expect(first.stdout).toContain(`${trainRows} labelled examples are enough to train on.`);
    expect(Object.keys((await results()).variants)).toEqual(['prompted']);

    const set = await cli(...buildSet);
    expect(set.code, set.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(repo.dir, 'tunegate-training/training-set.json'), 'utf8'));
    const counted = /training set: (\d+) train \+ (\d+) validation examples/.exec(set.stdout);
    expect(counted?.slice(1).map(Number)).toEqual([report.train, report.validation]);
    // Every train row is accounted for: kept, a duplicate, or removed as a leak of the evaluated rows (or of
    // the training split, for a validation row).
    const { examples, decontaminated, duplicates_removed, too_long, decontamination } = report;
    const removed = decontaminated + duplicates_removed + too_long + decontamination.validation.removed;
    expect([report.train + report.validation, examples + removed]).toEqual([examples, trainRows]);
    expect(report.train).toBeGreaterThan(0.8 * trainRows);

    const train = await cli(...trainModel);
    expect(train.code, train.stderr).toBe(0);
    const model = /succeeded(?: \(started\))?, model (local:[0-9a-f]{12})/.exec(train.stdout)?.[1] ?? '';
    expect(model, train.stdout).not.toBe('');

    expect(promoteModel.filter((arg) => README_MODEL.test(arg))).toHaveLength(1);
    const promote = await cli(...promoteModel.map((arg) => (README_MODEL.test(arg) ? model : arg)));
    expect(promote.stdout, promote.stderr).toMatch(new RegExp(`^PROMOTE ${model} \\(champion: none\\)`));
    expect(promote.code).toBe(0);
    const accepted = /accuracy (\d+\.\d)% vs the prompted baseline gpt-5\.5's/.exec(promote.stdout);
    expect(Number(accepted?.[1])).toBeGreaterThan(75);
    // The gate shows what accuracy alone hides: how often each model says none of the intents fits.
    expect(promote.stdout).toMatch(/^ {2}candidate: out of scope \(oos\): recall \d+\.\d%/m);
    expect(promote.stdout).toMatch(/^ {2}prompted: out of scope \(oos\): recall \d+\.\d%/m);
    expect(await readFile(path.join(repo.dir, 'evals/models.yaml'), 'utf8')).toContain(`clinc150:\n  model: ${model}`);
    expect(await repo.git('show', '--name-only', '--format=', 'HEAD')).toContain('evals/clinc150.yaml');

    // --no-cache: the local model is called again, through the server, not replayed from the contest.
    const last = await cli(...runLast, '--no-cache');
    expect(last.code, last.stderr).toBe(0);
    const { variants } = (await results()) as { variants: Record<string, Variant> };
    expect(Object.keys(variants).sort()).toEqual(['finetuned', 'prompted']);
    expect(variants.finetuned?.model).toBe(model);
    expect(variants.finetuned?.metrics.accuracy).toBeGreaterThan(0.75);
    expect(last.stdout).toMatch(new RegExp(`finetuned +finetuned +${model} +${tests} `));
    const cases = await readJsonl<CaseLine>(path.join(repo.dir, 'tunegate-results/cases.jsonl'));
    const simulated = (variant: string) => new Set(cases.filter((c) => c.variant === variant).map((c) => c.simulated));
    expect(simulated('finetuned')).toEqual(new Set([false]));
    expect(simulated('prompted')).toEqual(new Set([true]));
    // The report says which answers are real: the local model's numbers are measured, not configured.
    expect(last.stdout).toContain(
      'SIMULATED: responses of prompted came from the tunegate simulator, not a real model; those of finetuned are real.',
    );
    expect(last.stdout).toMatch(/^clinc150-intents \(simulated: prompted\) — /m);
    expect(variants.finetuned?.simulated).toBe(false);
    expect(variants.prompted?.simulated).toBe(true);
  }, 60_000);
});
