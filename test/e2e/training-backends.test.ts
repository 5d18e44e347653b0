import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimConfig, startSimulator } from '../../src/sim/index.js';
import { createTempRepo } from '../base/git-repo.js';
import { BANKING_SAMPLE, readJsonl, runCli } from './helpers.js';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const ENV = {
  AZURE_OPENAI_API_KEY: 'az-key-0123456789',
  AZURE_MANAGEMENT_TOKEN: 'eyJ-token-0123456789',
  FIREWORKS_API_KEY: 'fw-key-0123456789',
};
const CHAMPION = 'intents-v0';

/** The provider and `training:` backend of each backend's suite, pointed at the simulator. */
const BACKENDS = {
  azure: (sim: Simulator) => {
    const origin = new URL(sim.url).origin;
    return {
      provider: `{ base_url: "${origin}/openai", api_version: 2024-10-21, api_key_env: AZURE_OPENAI_API_KEY }`,
      base: 'gpt-4.1-mini-2025-04-14',
      backend: `{ type: azure, provider: main, deployment: { name: "intents-{job}", subscription_id: sub-1, resource_group: rg-ml, account: acme, token_env: AZURE_MANAGEMENT_TOKEN, management_url: "${origin}" } }`,
      model: /^intents-[0-9a-f]{8}$/,
    };
  },
  fireworks: (sim: Simulator) => ({
    provider: `{ base_url: "${sim.url}", api_key_env: FIREWORKS_API_KEY }`,
    base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
    backend: '{ type: fireworks, provider: main, account: acme }',
    model: /^accounts\/acme\/models\/intents-[0-9a-f]{8}$/,
  }),
};

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function setUp(name: keyof typeof BACKENDS, fineTuning: SimConfig['fine_tuning']) {
  const rows = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
  const sim = await startSimulator({
    seed: 9,
    cases: rows,
    shared_difficulty: 0.8,
    models: { 'gpt-4.1': { accuracy: 0.95 }, [CHAMPION]: { accuracy: 0.8 } },
    // No training steps: the CLI polls every 2 s.
    fine_tuning: { steps: 0, accuracy_by_suffix: { intents: 0.93 }, ...fineTuning },
  });
  sims.push(sim);
  const { provider, base, backend, model } = BACKENDS[name](sim);
  const repo = await createTempRepo();
  await repo.write({
    'suite.yaml': `name: intents
dataset: { path: data.jsonl, sample: { size: 60, seed: 3 } }
task: { kind: classification }
providers:
  main: ${provider}
variants:
  prompted: { role: prompted, provider: main, model: gpt-4.1, system: Answer with the intent label only. }
  finetuned: { role: finetuned, provider: main, model: ${CHAMPION} }
decision: { max_accuracy_loss: 0.05 }
training:
  base_model: ${base}
  suffix: intents
  backend: ${backend}
  registry: { file: models.yaml, key: intents.model }
`,
    'data.jsonl': rows.map((r) => JSON.stringify(r)).join('\n'),
    'models.yaml': `intents:\n  model: ${CHAMPION}\n`,
  });
  await repo.commit('suite, data and registry');
  await mkdir(join(repo.dir, 'set'));
  const examples = rows.slice(100, 130).map((r) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: r.input },
        { role: 'assistant', content: r.expected },
      ],
    }),
  );
  await writeFile(join(repo.dir, 'set', 'train.jsonl'), `${examples.join('\n')}\n`);
  return { sim, repo, model };
}

describe.each(Object.keys(BACKENDS) as (keyof typeof BACKENDS)[])('the training loop on %s, offline', (name) => {
  it('trains once, follows the job to a model that answers, and promotion evaluates that model', async () => {
    const { sim, repo, model } = await setUp(name, {});
    const train = await runCli(['train', 'suite.yaml', '--training-set', 'set', '--follow'], {
      cwd: repo.dir,
      env: ENV,
    });
    expect(train.code).toBe(0);
    const trained = /succeeded, model (\S+)/.exec(train.stdout)?.[1] ?? '';
    expect(trained).toMatch(model);
    if (name === 'azure') {
      expect(train.stdout).toMatch(/\(a deployment of gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}\)/);
      expect(train.stderr).toMatch(/Deploying gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32} as intents-/);
    }
    const again = await runCli(['train', 'suite.yaml', '--training-set', 'set'], { cwd: repo.dir, env: ENV });
    expect(again.stdout).toContain('already started for this training set');
    expect(sim.stats.training.jobs_created).toBe(1);

    const promote = await runCli(['promote', 'suite.yaml', '--model', trained, '--mode', 'dry-run', '--no-cache'], {
      cwd: repo.dir,
      env: ENV,
    });
    expect(promote.stderr).toBe('');
    expect(promote.stdout).toMatch(
      new RegExp(`^PROMOTE ${trained.replaceAll('/', '\\/')} \\(champion: ${CHAMPION}\\)`),
    );
    expect(sim.stats.by_model[trained]?.requests).toBeGreaterThan(0);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toContain(CHAMPION);
  });

  it('says in plain words when the account may not fine-tune (exit 3, no JSON, no stack)', async () => {
    const { repo } = await setUp(name, { permission_denied: true });
    const train = await runCli(['train', 'suite.yaml', '--training-set', 'set'], { cwd: repo.dir, env: ENV });
    expect(train.code).toBe(3);
    expect(train.stderr).toMatch(
      name === 'azure'
        ? /^error: the Azure OpenAI resource 127\.0\.0\.1 may not fine-tune \(Azure said: /
        : /^error: the Fireworks account acme may not fine-tune \(Fireworks said: /,
    );
    expect(train.stderr).not.toMatch(/[{}]|\n\s+at /);
    expect(train.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('--sim-config stands in for the real Azure and Fireworks endpoints', () => {
  it.each([
    {
      name: 'azure',
      provider:
        '{ base_url: "https://acme.openai.azure.com/openai", api_version: 2024-10-21, api_key_env: AZURE_OPENAI_API_KEY }',
      base: 'gpt-4.1-mini-2025-04-14',
      backend:
        '{ type: azure, provider: main, deployment: { name: intents-candidate, subscription_id: sub-1, resource_group: rg-ml, account: acme, token_env: AZURE_MANAGEMENT_TOKEN } }',
      model: /succeeded, model intents-candidate \(a deployment of gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}\)/,
    },
    {
      name: 'fireworks',
      provider: '{ base_url: "https://api.fireworks.ai/inference/v1", api_key_env: FIREWORKS_API_KEY }',
      base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
      backend: '{ type: fireworks, provider: main, account: acme }',
      model: /succeeded, model accounts\/acme\/models\/intents-[0-9a-f]{8}\n/,
    },
  ])('$name: trains and deploys offline with no key or token set', async ({ provider, base, backend, model }) => {
    const repo = await createTempRepo();
    const rows = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    const examples = rows.slice(0, 12).map((r) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: r.input },
          { role: 'assistant', content: r.expected },
        ],
      }),
    );
    await repo.write({
      'suite.yaml': `name: intents
dataset: { path: data.jsonl }
task: { kind: classification }
providers:
  main: ${provider}
variants:
  finetuned: { role: finetuned, provider: main, model: ${CHAMPION} }
training: { base_model: ${base}, suffix: intents, backend: ${backend} }
`,
      'data.jsonl': rows.map((r) => JSON.stringify(r)).join('\n'),
      'sim.yaml': 'fine_tuning: { steps: 0, deploy_steps: 0 }\n',
      'set/train.jsonl': `${examples.join('\n')}\n`,
    });
    const train = await runCli(
      ['train', 'suite.yaml', '--training-set', 'set', '--follow', '--sim-config', 'sim.yaml'],
      {
        cwd: repo.dir,
      },
    );
    expect(train.stderr).toMatch(/^simulator: serving intents/);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(model);
  });
});
