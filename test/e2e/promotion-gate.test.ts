import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { startFakeRepo } from '../promote/fake-git-data.js';
import { BANKING_SAMPLE, readJsonl, runCli } from './helpers.js';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const CHAMPION = 'ft:gpt-4.1-nano:acme:intents:v0';
const BETTER = 'ft:gpt-4.1-nano:acme:intents:v1';
const BELOW_PROMPTED = 'ft:gpt-4.1-nano:acme:intents:below-prompted';

const suiteYaml = (url: string, key: string) => `name: intents
dataset: { path: data.jsonl, sample: { size: 60, seed: 3 } }
task: { kind: classification }
providers:
  sim: { base_url: ${url}, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: sim, model: gpt-4.1, template: "Message: {{input}}" }
  finetuned: { role: finetuned, provider: sim, model: "${CHAMPION}" }
thresholds:
  accuracy: { min: 0.55 }
decision: { max_accuracy_loss: 0.05 }
training:
  base_model: gpt-4.1-nano-2025-04-14
  backend: { type: openai, provider: sim }
  registry:
    file: models.yaml
    key: ${key}
`;

const REGISTRY = `intents:\n  model: "${CHAMPION}"\n`;

describe('the promotion gate cannot be fooled', () => {
  let simulator: Simulator;
  let repo: TempRepo;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 4,
      cases,
      shared_difficulty: 0.8,
      models: {
        'gpt-4.1': { accuracy: 0.97 },
        [CHAMPION]: { accuracy: 0.6 },
        [BETTER]: { accuracy: 0.97 },
        [BELOW_PROMPTED]: { accuracy: 0.7 },
      },
    });
    repo = await createTempRepo();
    await repo.write({
      'suite.yaml': suiteYaml(simulator.url, 'intents.model'),
      'typo.yaml': suiteYaml(simulator.url, 'intents.modle'),
      'data.jsonl': cases.map((r) => JSON.stringify(r)).join('\n'),
      'models.yaml': REGISTRY,
    });
    await repo.commit('suite, data and registry');
  });

  afterAll(async () => {
    await simulator?.close();
  });

  const promote = (suite: string, model: string, ...more: string[]) =>
    runCli(['promote', suite, '--model', model, '--mode', 'commit', '--no-cache', ...more], { cwd: repo.dir });

  it('refuses a misspelt model id, which the simulator answers 404 like the real API', async () => {
    const run = await promote('suite.yaml', 'ft:gpt-4.1-nano:acme:intents:v1x');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^REFUSED ft:gpt-4\.1-nano:acme:intents:v1x/);
    expect(run.stdout).toMatch(/60 of 60 calls to ft:gpt-4\.1-nano:acme:intents:v1x failed \(first error: .*404/);
    expect(run.stdout).toContain('check the model id');
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toBe(REGISTRY);
  });

  it('refuses a candidate that beats the champion but loses to the prompted baseline beyond the margin', async () => {
    const run = await promote('suite.yaml', BELOW_PROMPTED);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^REFUSED /);
    expect(run.stdout).toMatch(
      /accuracy [\d.]+% vs the prompted baseline gpt-4\.1's [\d.]+% on 60 paired cases .*: worse than the prompted baseline beyond the 5\.0-point margin/,
    );
    // It beat the champion, so the prompted baseline is the only reason.
    expect(run.stdout.match(/^ {2}- /gm)).toHaveLength(1);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toBe(REGISTRY);
  });

  it('errors at the suite line when the registry key is missing, and adds it with --create-key', async () => {
    const head = await repo.git('rev-parse', 'HEAD');
    const run = await promote('typo.yaml', BETTER);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/typo\.yaml:17:10 training\.registry\.key "intents\.modle" is not in the registry/);
    expect(run.stderr).toContain('--create-key');
    expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(simulator.stats.by_model[BETTER]).toBeUndefined();

    const created = await promote('typo.yaml', BETTER, '--create-key');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toBe(`${REGISTRY}  modle: ${BETTER}\n`);
  });

  it('opens a pull request whose one commit holds the registry, the ledger line, the accepted run and the suite', async () => {
    const files = Object.fromEntries(
      await Promise.all(
        ['suite.yaml', 'models.yaml'].map(async (name) => [name, await readFile(join(repo.dir, name), 'utf8')]),
      ),
    );
    const fake = await startFakeRepo('acme', 'app', { ...files, 'history.jsonl': '' });
    try {
      const head = await repo.git('rev-parse', 'HEAD');
      const env = { GITHUB_TOKEN: 'gh-token', GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: fake.url };
      const argv = ['promote', 'suite.yaml', '--model', BETTER, '--mode', 'pull-request', '--no-cache'];
      const run = await runCli([...argv, '--history', 'history.jsonl'], { cwd: repo.dir, env });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('pull-request: registry updated (https://github.com/acme/app/pull/1)');
      const [pull] = fake.pulls;
      const branch = fake.branches.get(pull?.head ?? '');
      const commit = fake.commits.get(branch?.sha ?? '');
      expect(commit?.parents).toEqual([fake.branches.get('main')?.sha]);
      expect(commit?.files.get('models.yaml')).toBe(files['models.yaml']?.replace(CHAMPION, BETTER));
      expect(commit?.files.get('suite.yaml')).toBe(files['suite.yaml']?.replace(CHAMPION, BETTER));
      const ledger = JSON.parse(commit?.files.get('promotions.jsonl') ?? '{}');
      expect(ledger).toMatchObject({
        candidate: BETTER,
        champion: CHAMPION,
        decision: 'promote',
        applied: { mode: 'pull-request', changed: true, branch: pull?.head },
      });
      const history = (commit?.files.get('history.jsonl') ?? '')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(history.at(-1)).toMatchObject({ suite: 'intents', accepted: true, accepted_reason: 'promotion' });
      expect(Object.keys(history.at(-1)?.variants ?? {})).toEqual(['finetuned']);
      // The pull request is the record: the working tree and its history are untouched.
      expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
      const records = ['models.yaml', 'suite.yaml', 'promotions.jsonl', 'history.jsonl'];
      expect(await repo.git('status', '--porcelain', '--', ...records)).toBe('');
    } finally {
      await fake.close();
    }
  });

  it('commits the registry, the promotions ledger and the suite that now names the model, together', async () => {
    const run = await promote('suite.yaml', BETTER);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PROMOTE /);
    expect(await repo.git('show', '--name-only', '--format=%s', 'HEAD')).toBe(
      `Promote ${BETTER} for intents\n\nmodels.yaml\npromotions.jsonl\nsuite.yaml`,
    );
    expect(await repo.git('status', '--porcelain', '--', 'promotions.jsonl', 'models.yaml', 'suite.yaml')).toBe('');
    expect(await readFile(join(repo.dir, 'suite.yaml'), 'utf8')).toContain(`model: "${BETTER}" }`);
  });

  it('succeeds with nothing to do when the candidate already is the champion, writing nothing', async () => {
    const head = await repo.git('rev-parse', 'HEAD');
    const ledger = await readFile(join(repo.dir, 'promotions.jsonl'), 'utf8');
    const calls = simulator.stats.completions;
    const run = await promote('suite.yaml', BETTER);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^NOTHING TO DO ft:gpt-4\.1-nano:acme:intents:v1 \(champion: /);
    expect(run.stdout).toContain('is already the champion');
    expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(await readFile(join(repo.dir, 'promotions.jsonl'), 'utf8')).toBe(ledger);
    expect(simulator.stats.completions).toBe(calls);
  });

  it('proposes the serving format as the new fine-tuned variant when the suite has none', async () => {
    const noVariant = suiteYaml(simulator.url, 'intents.served')
      .replace(/^ {2}finetuned: .*\n/m, '')
      .replace(
        'training:\n',
        'training:\n  serve_as: { system: "Route the message to its intent.", template: "{{input}}" }\n',
      );
    await repo.write({ 'fresh.yaml': noVariant });
    await repo.commit('a suite with no fine-tuned variant yet');
    const run = await promote('fresh.yaml', BETTER, '--create-key');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await repo.git('show', '--name-only', '--format=%s', 'HEAD')).toBe(
      `Promote ${BETTER} for intents\n\nfresh.yaml\nmodels.yaml\npromotions.jsonl`,
    );
    const written = await readFile(join(repo.dir, 'fresh.yaml'), 'utf8');
    expect(written).toContain(
      [
        '  finetuned:',
        '    role: finetuned',
        '    provider: sim',
        `    model: ${BETTER}`,
        '    base_model: gpt-4.1-nano-2025-04-14',
        '    system: Route the message to its intent.',
        '    template: "{{input}}"',
        '    params:',
        '      temperature: 0',
      ].join('\n'),
    );
    // Everything else is as its authors wrote it, and the suite still loads, now with the variant.
    expect(written.replace(/^ {2}finetuned:\n(^ {4}.*\n)+/m, '')).toBe(noVariant);
    const check = await runCli(['validate', 'fresh.yaml'], { cwd: repo.dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/intents, 60 cases, 2 variants/);
  });
});
