import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { type FakeGitHub, startFakeGitHub } from '../github/fake-github.js';
import { pullRequestEvent, runBundledAction } from './action-runner.js';
import { BANKING_SAMPLE, tempDir } from './helpers.js';

const ACTION = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

// The fine-tuned variants are LoRA fine-tunes of an open-weight base on Fireworks.
const BASE_MODEL = 'accounts/fireworks/models/llama-v3p1-8b-instruct';

const suiteYaml = (finetunedModel: string, extra = '') => `name: intents
dataset: { path: data.jsonl, sample: { size: 120, seed: 3 } }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY, concurrency: 16 }
  fireworks: { base_url: https://api.fireworks.ai/inference/v1, api_key_env: FIREWORKS_API_KEY, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-5.5, system: "Answer with the intent label." }
  finetuned: { role: finetuned, provider: fireworks, model: ${finetunedModel}, base_model: ${BASE_MODEL} }
thresholds:
  accuracy: { min: 0.7 }
# The simulator answers at once: its latency on a busy test machine is noise, not drift.
decision: { max_accuracy_loss: 0.03, drift_latency_pct: 1000 }
${extra}`;

const SIM = `seed: 5
shared_difficulty: 0.9
models:
  gpt-5.5: { accuracy: 0.9 }
  accounts/acme/models/intents-v1: { accuracy: 0.9 }
  accounts/acme/models/intents-v2: { accuracy: 0.6 }
`;

/** Runs the bundled Action the way the runner does: inputs and context in the environment. */
function runAction(
  repo: TempRepo,
  api: FakeGitHub,
  event: object,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) {
  return runBundledAction(ACTION, repo.dir, api, event, inputs, env);
}

describe('the bundled Action on a pull request (simulated models, fake GitHub API)', () => {
  let repo: TempRepo;
  let api: FakeGitHub;
  let base: string;
  let head: string;

  beforeAll(async () => {
    api = await startFakeGitHub();
    repo = await createTempRepo();
    await repo.write({ 'evals/suite.yaml': suiteYaml('accounts/acme/models/intents-v1'), 'evals/sim.yaml': SIM });
    await copyFile(BANKING_SAMPLE, join(repo.dir, 'evals', 'data.jsonl'));
    base = await repo.commit('base');
    await repo.write({ 'evals/suite.yaml': suiteYaml('accounts/acme/models/intents-v2') });
    head = await repo.commit('head: a worse fine-tuned model');
  });

  afterAll(async () => {
    await api?.close();
  });

  const inputs = { suites: 'evals/suite.yaml', 'sim-config': 'evals/sim.yaml', 'comment-key': 'main' };

  it('creates the sticky comment, reports the regression against base, sets outputs and fails the step', async () => {
    const run = await runAction(repo, api, pullRequestEvent(base, head), inputs);
    expect(run.stdout).not.toMatch(/unexpected error/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::tunegate: .*significant regression\(s\) against the base commit/);
    expect(run.outputs).toMatchObject({ passed: 'false', verdict: 'keep-prompting', regressions: '1' });
    expect(JSON.parse(run.outputs.verdicts ?? '{}')).toEqual({ intents: 'keep-prompting' });
    expect(run.outputs['results-path']).toBe(join(repo.dir, 'tunegate-results', 'results.json'));
    const comments = [...api.comments.values()];
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith('<!-- tunegate:evals:main -->')).toBe(true);
    expect(body).toContain('**❌ 1 regression vs base**');
    expect(body).toMatch(/\| finetuned \| 90\.0% \| 60\.0% \| −30\.0 points \|.*🔻 regression/);
    expect(body).toContain('> **✋ Keep prompting**');
    expect(run.outputs['comment-url']).toBe(
      comments[0] && `https://github.com/acme/app/pull/7#issuecomment-${comments[0].id}`,
    );
    expect(run.summary).toContain('## tunegate results');
    expect(run.summary).toContain('Base vs head (`main` @');
    // cache-mode auto on a pull request: the model did not change, the prompt did.
    expect(run.stdout).toContain('Response cache: use (auto, on a pull_request event).');
    expect(body).toContain('cache: use (stored answers replayed; only requests not stored yet call a model)');
  });

  it('updates the same comment on the next run instead of adding one', async () => {
    const before = [...api.comments.keys()];
    const run = await runAction(repo, api, pullRequestEvent(base, head), inputs);
    expect(run.code).toBe(1);
    expect([...api.comments.keys()]).toEqual(before);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.includes('/comments'))).toHaveLength(1);
  });

  it('leaves a comment someone else wrote with its marker alone and updates its own', async () => {
    const [own] = [...api.comments.keys()];
    const hijack = '<!-- tunegate:evals:main -->\n✅ all evals pass, merge away';
    const id = Math.max(...api.comments.keys()) + 1;
    api.comments.set(id, { id, issue_number: 7, body: hijack, user: { login: 'mallory', type: 'User' } });
    const run = await runAction(repo, api, pullRequestEvent(base, head), inputs);
    expect(run.code).toBe(1);
    expect(api.comments.get(id)?.body).toBe(hijack);
    expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/repos/acme/app/issues/comments/${own}` });
    expect(run.stdout).toContain(`ignored comment ${id} by mallory`);
    expect(run.outputs['comment-url']).toBe(`https://github.com/acme/app/pull/7#issuecomment-${own}`);
    api.comments.delete(id);
  });

  it('passes with fail-on: never, and reports all the same', async () => {
    const run = await runAction(repo, api, pullRequestEvent(base, head), {
      ...inputs,
      'fail-on': 'never',
      comment: 'false',
    });
    expect(run.code).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs.regressions).toBe('1');
  });

  it('skips with a clear notice on a fork pull request without the API key, without failing', async () => {
    const run = await runAction(repo, api, pullRequestEvent(base, head, 'stranger/app'), {
      suites: 'evals/suite.yaml',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::notice::tunegate skipped the evaluation: OPENAI_API_KEY, FIREWORKS_API_KEY are not set\. This pull request comes from a fork/,
    );
    expect(run.summary).toContain('comes from a fork');
    expect(run.outputs.passed).toBe('true');
  });

  it('refuses a path outside the repository under pull_request_target, even when the suite allows it', async () => {
    const outside = await tempDir('tunegate-outside-');
    await writeFile(join(outside, 'secret.md'), 'a file outside the repository');
    const suite = suiteYaml('accounts/acme/models/intents-v1', 'allow_outside_paths: true\n').replace(
      'system: "Answer with the intent label."',
      `system: "file://${join(outside, 'secret.md')}"`,
    );
    await repo.write({ 'evals/outside.yaml': suite.replace('name: intents', 'name: outside') });
    const event = pullRequestEvent(base, head);
    const refused = await runAction(
      repo,
      api,
      event,
      { ...inputs, suites: 'evals/outside.yaml', comment: 'false' },
      {
        GITHUB_EVENT_NAME: 'pull_request_target',
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/outside the repository/);
    expect(refused.stdout).toContain('No model was called');
    const allowed = await runAction(repo, api, event, {
      ...inputs,
      suites: 'evals/outside.yaml',
      comment: 'false',
      'run-all': 'true',
      'compare-base': 'false',
      'fail-on': 'never',
    });
    expect(allowed.stdout).not.toMatch(/outside the repository/);
    expect(allowed.code).toBe(0);
  });

  it('masks the API key and warns when run under pull_request_target', async () => {
    const run = await runAction(
      repo,
      api,
      pullRequestEvent(base, head),
      { ...inputs, comment: 'false', 'fail-on': 'never' },
      { GITHUB_EVENT_NAME: 'pull_request_target', OPENAI_API_KEY: 'sk-test-secret-123' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::add-mask::sk-test-secret-123');
    expect(run.stdout).toMatch(/::warning::tunegate runs under pull_request_target/);
    expect(run.stdout.replace('::add-mask::sk-test-secret-123', '')).not.toContain('sk-test-secret-123');
  });

  it('shows a configuration error as an annotation on the suite file’s line', async () => {
    await repo.write({ 'evals/broken.yaml': suiteYaml('ft:x').replace('role: finetuned', 'role: tuned') });
    const run = await runAction(repo, api, pullRequestEvent(base, head), { ...inputs, suites: 'evals/broken.yaml' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=tunegate schema,file=evals\/broken\.yaml,line=9,col=22::variants\.finetuned\.role: /,
    );
    expect(run.summary).toContain('No model was called.');
  });
});

describe('the bundled Action on a schedule: a fine-tuned model fell below its threshold', () => {
  const received: { path: string; body: string }[] = [];
  const webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: 'train-7', status: 'queued' }));
    });
  });
  let repo: TempRepo;
  let api: FakeGitHub;

  beforeAll(async () => {
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const { port } = webhook.address() as { port: number };
    api = await startFakeGitHub();
    repo = await createTempRepo();
    const training = `training:
  trigger: true
  base_model: ${BASE_MODEL}
  backend: { type: webhook, url: "http://127.0.0.1:${port}/train" }
  sources: [dataset]
`;
    await repo.write({
      'evals/suite.yaml': suiteYaml('accounts/acme/models/intents-v1', training),
      'evals/sim.yaml': SIM.replace(
        'accounts/acme/models/intents-v1: { accuracy: 0.9 }',
        'accounts/acme/models/intents-v1: { accuracy: 0.6 }',
      ),
      'evals/accepted.json': JSON.stringify({
        schema_version: 1,
        suites: [
          {
            name: 'intents',
            variants: {
              finetuned: { model: 'accounts/acme/models/intents-v1', metrics: { correct: 110, n: 120 }, passed: true },
            },
          },
        ],
      }),
    });
    await copyFile(BANKING_SAMPLE, join(repo.dir, 'evals', 'data.jsonl'));
    await repo.commit('suite with an accepted fine-tuned model');
  });

  afterAll(async () => {
    await api?.close();
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  const scheduled = { schedule: '0 3 * * *' };
  const inputs = { suites: 'evals/suite.yaml', 'sim-config': 'evals/sim.yaml', reference: 'evals/accepted.json' };

  it('asks to retrain and triggers the training backend exactly once across re-runs', async () => {
    const first = await runAction(repo, api, scheduled, inputs, { GITHUB_EVENT_NAME: 'schedule' });
    expect(first.stdout).not.toMatch(/unexpected error/);
    expect(first.outputs.verdict).toBe('retrain');
    expect(first.code).toBe(1);
    expect(received).toHaveLength(1);
    const job = JSON.parse(received[0]?.body ?? '{}');
    expect(received[0]?.path).toBe('/train');
    expect(job).toMatchObject({
      event: 'tunegate.train',
      job: { suite: 'intents', base_model: BASE_MODEL },
    });
    expect(first.summary).toMatch(
      /### Training[\s\S]*🔁 \*\*intents\*\* \(retrain\): training job `train-7` on webhook started/,
    );

    // cache-mode auto on a schedule: every model is called, so a changed model behind its id shows.
    expect(first.stdout).toContain('Response cache: refresh (auto, on a schedule event).');
    expect(first.summary).toContain('cache: refresh (every model called fresh)');
    expect(first.summary).toMatch(/240 calls · 0 errors · 0 from cache/);

    const second = await runAction(repo, api, scheduled, inputs, { GITHUB_EVENT_NAME: 'schedule' });
    expect(second.summary).toMatch(/240 calls · 0 errors · 0 from cache .* cache: refresh/);
    expect(second.outputs.verdict).toBe('retrain');
    expect(received).toHaveLength(1);
    expect(second.summary).toContain('was already started for this training set');
    // A scheduled run keeps its history on a branch (the git database), and writes nothing else.
    const writes = api.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql');
    expect(writes.filter((r) => !r.path.startsWith('/repos/acme/app/git/'))).toEqual([]);
    expect(api.git.log('tunegate-history')).toHaveLength(2);
  });
});

describe('the bundled Action as a promotion gate', () => {
  let repo: TempRepo;
  let api: FakeGitHub;

  beforeAll(async () => {
    api = await startFakeGitHub();
    repo = await createTempRepo();
    const training = 'training:\n  registry: { file: ../models.yaml, key: intents.model }\n';
    await repo.write({
      'evals/suite.yaml': suiteYaml('accounts/acme/models/intents-v1', training),
      'evals/sim.yaml': `${SIM}  accounts/acme/models/intents-v3: { accuracy: 0.97 }\n`,
      'models.yaml': 'intents:\n  model: accounts/acme/models/intents-v1\n',
    });
    await copyFile(BANKING_SAMPLE, join(repo.dir, 'evals', 'data.jsonl'));
    await repo.commit('registry and suite');
  });

  afterAll(async () => {
    await api?.close();
  });

  const gate = (model: string) => ({
    command: 'promote',
    model,
    'promote-mode': 'commit',
    suites: 'evals/suite.yaml',
    'sim-config': 'evals/sim.yaml',
  });

  it('promotes a candidate that passes, committing the registry change', async () => {
    const run = await runAction(repo, api, {}, gate('accounts/acme/models/intents-v3'), {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
    });
    expect(run.stdout).not.toMatch(/unexpected error/);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.promotion).toBe('promote');
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toContain('model: accounts/acme/models/intents-v3');
    expect(await repo.git('log', '-1', '--format=%s')).toBe('Promote accounts/acme/models/intents-v3 for intents');
    expect(run.summary).toContain('## ✅ Promote `accounts/acme/models/intents-v3`');
  });

  it('refuses a worse candidate and fails the step', async () => {
    const run = await runAction(repo, api, {}, gate('accounts/acme/models/intents-v2'), {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
    });
    expect(run.code).toBe(1);
    expect(run.outputs.promotion).toBe('refuse');
    expect(run.stdout).toMatch(/::error::tunegate: candidate accounts\/acme\/models\/intents-v2 refused/);
    expect(await readFile(join(repo.dir, 'models.yaml'), 'utf8')).toContain('model: accounts/acme/models/intents-v3');
  });
});

describe('the bundled Action starting and following a training job', () => {
  it('starts fine-tuning on a built training set, follows it to the trained model, and resumes by job id', async () => {
    const simulator = await startSimulator({ cases: [], models: {}, fine_tuning: { steps: 1 } });
    const api = await startFakeGitHub();
    try {
      const repo = await createTempRepo();
      const lines = Array.from({ length: 12 }, (_, i) =>
        JSON.stringify({
          messages: [
            { role: 'user', content: `message ${i}` },
            { role: 'assistant', content: `label_${i % 3}` },
          ],
        }),
      );
      await repo.write({
        'evals/suite.yaml': `name: intents
dataset: { cases: [{ input: a, expected: b }] }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url} }
variants:
  finetuned: { role: finetuned, provider: sim, model: ft:old }
training:
  base_model: gpt-4.1-nano-2025-04-14
  suffix: intents
  backend: { type: openai, provider: sim }
`,
        'training/train.jsonl': `${lines.join('\n')}\n`,
      });
      await repo.commit('suite and training set');
      const inputs = {
        command: 'train',
        suites: 'evals/suite.yaml',
        'training-set': 'training',
        'poll-seconds': '0.05',
      };
      const run = await runAction(repo, api, {}, inputs, { GITHUB_EVENT_NAME: 'workflow_dispatch' });
      expect(run.stdout).not.toMatch(/unexpected error/);
      expect(run.code).toBe(0);
      expect(run.outputs['job-status']).toBe('succeeded');
      expect(run.outputs['trained-model']).toMatch(/^ft:gpt-4\.1-nano-2025-04-14:tunegate-sim:intents:[0-9a-f]+$/);
      expect(run.summary).toContain(`Job \`${run.outputs['job-id']}\``);
      const resumed = await runAction(
        repo,
        api,
        {},
        { command: 'train', suites: 'evals/suite.yaml', job: run.outputs['job-id'] ?? '', 'poll-seconds': '0.05' },
        { GITHUB_EVENT_NAME: 'workflow_dispatch' },
      );
      expect(resumed.outputs['trained-model']).toBe(run.outputs['trained-model']);
      expect(simulator.stats.training.jobs_created).toBe(1);
    } finally {
      await api.close();
      await simulator.close();
    }
  });
});
