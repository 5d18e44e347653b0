import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countBits } from '../../src/history/bitset.js';
import { parseHistory } from '../../src/history/text.js';
import { startSimulator } from '../../src/sim/index.js';
import { validateChatFineTuningJsonl } from '../../src/training/chat-format.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { BANKING_SAMPLE, readJsonl, runCli } from './helpers.js';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const suiteYaml = (url: string) => `name: intents
description: Route a bank's customer messages to one of its support intents.
dataset: { path: data.jsonl, sample: { size: 60, seed: 3 } }
task: { kind: classification, labels: file://labels.txt }
providers:
  sim: { base_url: ${url}, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: sim, model: gpt-4.1, system: Answer with the intent label only., template: "Message: {{input}}" }
  finetuned: { role: finetuned, provider: sim, model: "ft:gpt-4.1-nano:acme:intents:v0" }
thresholds:
  accuracy: { min: 0.75 }
decision: { max_accuracy_loss: 0.05 }
training:
  base_model: gpt-4.1-nano-2025-04-14
  suffix: intents
  backend: { type: openai, provider: sim }
  sources: []
  validation_split: 0.2
  registry: { file: models.yaml, key: intents.model }
  distill: { seeds: file://seeds.jsonl, count: 40, batch: 10 }
`;

const REGISTRY = '# Models the support app serves\nintents:\n  model: "ft:gpt-4.1-nano:acme:intents:v0" # champion\n';

async function setUpRepo(url: string): Promise<TempRepo> {
  const repo = await createTempRepo();
  const rows = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
  const labels = [...new Set(rows.map((r) => r.expected))].sort();
  await repo.write({
    'suite.yaml': suiteYaml(url),
    'data.jsonl': rows.map((r) => JSON.stringify(r)).join('\n'),
    'labels.txt': labels.join('\n'),
    'seeds.jsonl': rows
      .slice(100, 110)
      .map((r) => JSON.stringify({ input: r.input, output: r.expected }))
      .join('\n'),
    'models.yaml': REGISTRY,
  });
  await repo.commit('suite, data and registry');
  return repo;
}

describe('closing the loop on the simulator: distil → fine-tune → evaluate → promote', () => {
  let simulator: Simulator;
  let repo: TempRepo;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 9,
      cases,
      shared_difficulty: 0.8,
      models: {
        'gpt-4.1': { accuracy: 0.95 },
        'ft:gpt-4.1-nano:acme:intents:v0': { accuracy: 0.8 },
        'ft:gpt-4.1-nano:acme:intents:worse': { accuracy: 0.6 },
      },
      fine_tuning: { steps: 2, accuracy_by_suffix: { intents: 0.93 } },
    });
    repo = await setUpRepo(simulator.url);
  });

  afterAll(async () => {
    await simulator?.close();
  });

  let trainedModel = '';

  it('distils seed examples into a decontaminated training set in the chat fine-tuning format', async () => {
    const { code, stdout, stderr } = await runCli(['distill', 'suite.yaml', '--quiet'], { cwd: repo.dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/distilled \d+ examples into .*distilled\.jsonl/);
    expect(stdout).toMatch(/training set: \d+ train \+ \d+ validation examples/);
    const train = await readFile(join(repo.dir, 'tunegate-training', 'train.jsonl'), 'utf8');
    expect(validateChatFineTuningJsonl(train)).toEqual([]);
    const first = JSON.parse(train.split('\n')[0] ?? '{}');
    expect(first.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(simulator.stats.training.generation_requests).toBeGreaterThan(0);
  });

  it('starts a fine-tuning job once, follows it to the new model id', async () => {
    const run = await runCli(['train', 'suite.yaml', '--training-set', 'tunegate-training', '--follow'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(0);
    const match = /succeeded, model (ft:gpt-4\.1-nano-2025-04-14:tunegate-sim:intents:[0-9a-f]+)/.exec(run.stdout);
    expect(match).not.toBeNull();
    trainedModel = match?.[1] ?? '';
    expect(run.stderr).toMatch(/Fine-tuning job started|started/i);
    const again = await runCli(['train', 'suite.yaml', '--training-set', 'tunegate-training'], { cwd: repo.dir });
    expect(again.stdout).toContain('already started for this training set');
    expect(simulator.stats.training.jobs_created).toBe(1);
  });

  it('promotes the trained model through a registry commit, with the evidence recorded', async () => {
    const run = await runCli(
      [
        'promote',
        'suite.yaml',
        '--model',
        trainedModel,
        '--mode',
        'commit',
        '--no-cache',
        '--history',
        'history.jsonl',
      ],
      { cwd: repo.dir },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PROMOTE ft:/);
    const registry = await readFile(join(repo.dir, 'models.yaml'), 'utf8');
    expect(registry).toBe(REGISTRY.replace('ft:gpt-4.1-nano:acme:intents:v0', trainedModel));
    expect(await repo.git('log', '-1', '--format=%s')).toBe(`Promote ${trainedModel} for intents`);
    const [record] = await readJsonl<{ decision: string; champion: string; candidate: string }>(
      join(repo.dir, 'promotions.jsonl'),
    );
    expect(record).toMatchObject({
      decision: 'promote',
      champion: 'ft:gpt-4.1-nano:acme:intents:v0',
      candidate: trainedModel,
    });
    // The promoted model, as measured, is the fine-tuned variant's accepted reference in the run history.
    expect(run.stdout).toContain('history: the promoted model is the accepted reference of intents');
    const history = parseHistory(await readFile(join(repo.dir, 'history.jsonl'), 'utf8'));
    expect(history.problems).toEqual([]);
    expect(history.runs).toEqual([
      expect.objectContaining({ suite: 'intents', accepted: true, accepted_reason: 'promotion', verdict: 'promote' }),
    ]);
    const promoted = history.runs[0]?.variants.finetuned;
    expect(promoted).toMatchObject({ model: trainedModel, n: 60, passed: true });
    const ids = history.ids.get(history.runs[0]?.ids_hash ?? '') ?? [];
    expect(ids).toHaveLength(60);
    expect(countBits(promoted?.correct ?? '')).toBe(Math.round((promoted?.accuracy ?? 0) * 60));
  });

  it('refuses a worse candidate with its reasons and leaves the registry alone', async () => {
    const before = await readFile(join(repo.dir, 'models.yaml'), 'utf8');
    const run = await runCli(
      [
        'promote',
        'suite.yaml',
        '--model',
        'ft:gpt-4.1-nano:acme:intents:worse',
        '--mode',
        'commit',
        '--no-cache',
        '--history',
        'history.jsonl',
      ],
      {
        cwd: repo.dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^REFUSED ft:gpt-4\.1-nano:acme:intents:worse/);
    expect(run.stdout).toMatch(/accuracy/);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toBe(before);
    const records = await readJsonl<{ decision: string }>(join(repo.dir, 'promotions.jsonl'));
    expect(records.map((r) => r.decision)).toEqual(['promote', 'refuse']);
    // A refused candidate is no reference.
    expect(parseHistory(await readFile(join(repo.dir, 'history.jsonl'), 'utf8')).runs).toHaveLength(1);
  });

  it('runs offline with --sim-config: a dry-run promotion that writes nothing', async () => {
    await writeFile(
      join(repo.dir, 'offline-sim.yaml'),
      'models:\n  gpt-4.1: { accuracy: 0.95 }\n  ft:offline:candidate: { accuracy: 0.3 }\ndefault_model: { accuracy: 0.9 }\n',
    );
    const registry = await readFile(join(repo.dir, 'models.yaml'), 'utf8');
    const ledger = await readFile(join(repo.dir, 'promotions.jsonl'), 'utf8');
    const run = await runCli(
      ['promote', 'suite.yaml', '--model', 'ft:offline:candidate', '--sim-config', 'offline-sim.yaml', '--no-cache'],
      {
        cwd: repo.dir,
      },
    );
    expect(run.stderr).toMatch(/^simulator: serving intents at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^REFUSED ft:offline:candidate/);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toBe(registry);
    expect(await readFile(join(repo.dir, 'promotions.jsonl'), 'utf8')).toBe(ledger);
  });

  it('says plainly when the account may not fine-tune', async () => {
    const denied = await startSimulator({ cases: [], models: {}, fine_tuning: { permission_denied: true } });
    try {
      await writeFile(join(repo.dir, 'denied.yaml'), suiteYaml(denied.url).replace('name: intents', 'name: denied'));
      const run = await runCli(['train', 'denied.yaml', '--training-set', 'tunegate-training'], { cwd: repo.dir });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/fine-tuning unavailable for this account/);
      expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    } finally {
      await denied.close();
    }
  });
});
