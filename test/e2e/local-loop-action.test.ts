import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { type FakeGitHub, startFakeGitHub } from '../github/fake-github.js';
import { smallClinc, writeTrainingSet } from '../training/local-fixture.js';
import { runBundledAction } from './action-runner.js';
import { buildBundle } from './helpers.js';

const _root = join(import.meta.dirname, '..', '..');

// A prompted model with the pains fine-tuning fixes (its monthly bill), and labelled rows held out to train on.
const SUITE = `name: intents
dataset: { path: data.jsonl }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY }
  onbox: { local: true }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-5.5, system: "Answer with the intent label." }
thresholds:
  accuracy: { min: 0.5 }
decision: { max_accuracy_loss: 0.05, monthly_requests: 10000000, pain_monthly_cost_usd: 1, min_training_examples: 100 }
training:
  trigger: true
  holdout: { eval: 0.3, seed: 1 }
  sources: [dataset]
  backend: { type: local }
  serve_as: { provider: onbox, template: "Request: {{input}}" }
  registry: { file: models.yaml, key: intents.model }
`;

/** The bundled Action, on a schedule, with no API key anywhere: it trains the local model and a next step promotes it. */
describe('scheduled local training in the Action', () => {
  let action: string;
  let repo: TempRepo;
  let api: FakeGitHub;

  beforeAll(async () => {
    action = (await buildBundle()).action;
    api = await startFakeGitHub();
    repo = await createTempRepo();
    const rows = [...smallClinc.train, ...smallClinc.validation, ...smallClinc.test];
    await repo.write({
      'evals/suite.yaml': SUITE,
      'evals/sim.yaml': 'seed: 3\nmodels:\n  gpt-5.5: { accuracy: 0.6 }\n',
      'evals/data.jsonl': `${rows.map((row) => JSON.stringify({ input: row.input, expected: row.label })).join('\n')}\n`,
      '.gitignore': '.tunegate/\ntunegate-results/\n',
    });
    await repo.commit('suite');
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  it('trains with no secret, names the model and the next step, and a following step promotes it', async () => {
    const schedule = { schedule: '0 3 * * *', repository: { full_name: 'acme/app' } };
    const env = { GITHUB_EVENT_NAME: 'schedule' };
    const common = { suites: 'evals/suite.yaml', 'sim-config': 'evals/sim.yaml', comment: 'false', history: 'none' };
    const nightly = await runBundledAction(action, repo.dir, api, schedule, common, env);
    expect(nightly.outputs.verdict, nightly.stdout).toBe('fine-tune');
    const model = nightly.outputs['trained-model'] ?? '';
    expect(model).toMatch(/^local:[0-9a-f]{12}$/);
    const hex = model.slice('local:'.length);
    expect(nightly.summary).toContain(`local model \`${model}\` trained on the runner`);
    // The fake runner offers no artifact service: the line says so, and where the model is for a next step.
    expect(nightly.summary).toContain('not kept: the artifact service is not available on this runner');
    expect(nightly.summary).toContain(`\`.tunegate/models/${hex}.json\``);
    expect(nightly.summary).toContain(`Next: \`tunegate promote evals/suite.yaml --model ${model}\``);
    expect(await readFile(join(repo.dir, '.tunegate', 'models', `${hex}.json`), 'utf8')).toContain(
      'tunegate-local-classifier',
    );

    const promote = await runBundledAction(
      action,
      repo.dir,
      api,
      schedule,
      { ...common, command: 'promote', model, 'promote-mode': 'commit', 'create-key': 'true' },
      env,
    );
    expect(promote.outputs.promotion, promote.stdout).toBe('promote');
    expect(await readFile(join(repo.dir, 'evals', 'models.yaml'), 'utf8')).toContain(model);

    // The suite's promoted variant now names the model; on a runner without its file, command train still trains.
    expect(await readFile(join(repo.dir, 'evals', 'suite.yaml'), 'utf8')).toContain(model);
    await rm(join(repo.dir, '.tunegate', 'models'), { recursive: true });
    await writeTrainingSet(join(repo.dir, 'set'));
    const train = await runBundledAction(
      action,
      repo.dir,
      api,
      schedule,
      { ...common, command: 'train', 'training-set': 'set' },
      env,
    );
    expect(train.code, train.stdout).toBe(0);
    expect(train.outputs['trained-model']).toMatch(/^local:[0-9a-f]{12}$/);
  }, 240_000);
});
