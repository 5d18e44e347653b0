import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTENTS_SIM, intentsRepo, intentsSuiteYaml, writeTrainingSet } from '../training/local-fixture.js';
import { runCli } from './helpers.js';

const FT_CHAMPION = 'ft:gpt-4.1-nano:acme:intents:v0';
const FT_CANDIDATE = 'ft:gpt-4.1-nano:acme:intents:v1';

// The fine-tuned variant serves an OpenAI fine-tune (simulated on "main"); the local provider has no variant yet.
const SUITE = intentsSuiteYaml({
  finetuned: { provider: 'main', model: FT_CHAMPION },
  training: ['backend: { type: local }', 'registry: { file: models.yaml, key: intents.model }'],
});
const SIM = `${INTENTS_SIM}  "${FT_CHAMPION}": { accuracy: 0.7 }\n  "${FT_CANDIDATE}": { accuracy: 0.99 }\n`;

interface LedgerLine {
  candidate: string;
  champion: string | null;
  decision: string;
  reasons: string[];
  numbers: Record<string, number | null>;
}

async function setUp(registryModel: string, suite = SUITE) {
  const repo = await intentsRepo(
    suite,
    { 'models.yaml': `intents:\n  model: "${registryModel}"\n`, '.gitignore': '.tunegate/\n' },
    SIM,
  );
  await writeTrainingSet(join(repo.dir, 'set'));
  const cli = (...args: string[]) => runCli(args, { cwd: repo.dir, env: {} });
  const train = await cli('train', 'suite.yaml', '--training-set', 'set', '--follow');
  const model = /succeeded, model (local:[0-9a-f]{12})/.exec(train.stdout)?.[1] ?? '';
  expect(model, train.stderr).not.toBe('');
  const promote = (candidate: string) =>
    cli('promote', 'suite.yaml', '--model', candidate, '--sim-config', 'sim.yaml', '--mode', 'commit');
  const ledger = async (): Promise<LedgerLine[]> =>
    (await readFile(join(repo.dir, 'promotions.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerLine);
  return { repo, model, cli, promote, ledger };
}

describe('a champion from another backend than the candidate', () => {
  it('contests an ft: champion on its provider against a local candidate, then the local champion against an ft: one', async () => {
    const { repo, model, cli, promote, ledger } = await setUp(FT_CHAMPION);

    const local = await promote(model);
    expect(local.stdout, local.stderr).toMatch(new RegExp(`^PROMOTE ${model} \\(champion: ${FT_CHAMPION}\\)`));
    const [first] = await ledger();
    expect(first?.numbers.champion_accuracy).toBeCloseTo(0.7, 1);
    expect(first?.numbers.candidate_accuracy).toBeGreaterThan(0.85);
    expect(first?.reasons.join('\n')).toContain(`vs the champion ${FT_CHAMPION}'s 70.0%`);
    // The suite's fine-tuned variant now serves the local model, on the local provider.
    const suite = await readFile(join(repo.dir, 'suite.yaml'), 'utf8');
    expect(suite).toMatch(new RegExp(`finetuned: \\{[^}]*provider: onbox[^}]*model: "?${model}`));
    const run = await cli('run', 'suite.yaml', '--sim-config', 'sim.yaml', '--no-cache', '--quiet');
    expect(run.stderr).not.toMatch(/local-model|not found/);

    // The reverse: the local champion stays on the local provider, the ft: candidate goes to "main".
    const remote = await promote(FT_CANDIDATE);
    expect(remote.stdout, remote.stderr).toMatch(new RegExp(`^PROMOTE ${FT_CANDIDATE} \\(champion: ${model}\\)`));
    const [, second] = await ledger();
    expect(second?.numbers.champion_accuracy).toBeGreaterThan(0.85);
    expect(second?.numbers.candidate_accuracy).toBeGreaterThan(0.95);
    expect(await readFile(join(repo.dir, 'suite.yaml'), 'utf8')).toMatch(
      new RegExp(`finetuned: \\{[^}]*provider: main[^}]*model: "?${FT_CANDIDATE}`),
    );
  });

  it('goes on without a champion no provider can serve, and says so in a reason line', async () => {
    const lost = 'local:ffffffffffff';
    const { model, promote, ledger } = await setUp(lost);
    const outcome = await promote(model);
    expect(outcome.stdout, outcome.stderr).toMatch(new RegExp(`^PROMOTE ${model} \\(champion: ${lost}\\)`));
    expect(outcome.stdout).toContain(
      `the champion ${lost} was not evaluated: its model file .tunegate/models/ffffffffffff.json is not in this checkout`,
    );
    expect(outcome.stdout).not.toMatch(/no champion yet/);
    const [line] = await ledger();
    expect(line?.champion).toBe(lost);
    expect(line?.numbers.champion_accuracy).toBeNull();
    expect(line?.reasons[0]).toMatch(/^the champion local:ffffffffffff was not evaluated/);
  });

  it('adds a local provider for the contest when the suite has none, and writes it into the suite it promotes to', async () => {
    const { repo, model, cli, promote } = await setUp(FT_CHAMPION, SUITE.replace('  onbox: { local: true }\n', ''));
    const outcome = await promote(model);
    expect(outcome.stdout, outcome.stderr).toMatch(new RegExp(`^PROMOTE ${model} \\(champion: ${FT_CHAMPION}\\)`));
    const suite = await readFile(join(repo.dir, 'suite.yaml'), 'utf8');
    expect(suite).toMatch(/tunegate_local:\s*\{?\s*local: true/);
    expect(suite).toMatch(new RegExp(`finetuned: \\{[^}]*provider: tunegate_local[^}]*model: "?${model}`));
    const validate = await cli('validate', 'suite.yaml');
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  });
});
