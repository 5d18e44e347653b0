import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { type FakeGitHub, startFakeGitHub } from '../github/fake-github.js';
import { runBundledAction } from './action-runner.js';
import { BANKING_SAMPLE, buildBundle } from './helpers.js';

const _root = join(import.meta.dirname, '..', '..');

const SUITE = `name: intents
dataset: { path: data.jsonl, sample: { size: 60, seed: 3 } }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-4.1 }
  finetuned: { role: finetuned, provider: openai, model: "ft:gpt-4.1-mini-2025-04-14:acme:intents:v1" }
decision: { max_accuracy_loss: 0.03, drift_latency_pct: 1000 }
training:
  trigger: true
  base_model: gpt-4.1-mini-2025-04-14
  backend: { type: openai, provider: openai }
  sources: [dataset]
`;

// The fine-tune lost accuracy since it was accepted (110 of 120): the verdict is retrain.
const SIM = `seed: 5
models:
  gpt-4.1: { accuracy: 0.9 }
  ft:gpt-4.1-mini-2025-04-14:acme:intents:v1: { accuracy: 0.6 }
fine_tuning: { steps: 1 }
`;
const ACCEPTED = {
  schema_version: 1,
  suites: [
    {
      name: 'intents',
      variants: {
        finetuned: {
          model: 'ft:gpt-4.1-mini-2025-04-14:acme:intents:v1',
          metrics: { correct: 110, n: 120 },
          passed: true,
        },
      },
    },
  ],
};

const repository = { name: 'app', owner: { login: 'acme' }, full_name: 'acme/app', default_branch: 'main' };

const pullRequestOn = (sha: string) => ({
  action: 'synchronize',
  number: 7,
  pull_request: {
    number: 7,
    base: { sha, ref: 'main', repo: { full_name: 'acme/app' } },
    head: { sha, ref: 'change', repo: { full_name: 'acme/app' } },
  },
  repository,
});

/** The Action bundled from the current sources, on the simulator: the retrain trigger and the events it fires on. */
describe('the retrain trigger in the Action', () => {
  let action: string;
  let repo: TempRepo;
  let api: FakeGitHub;
  let pullRequest: ReturnType<typeof pullRequestOn>;

  beforeAll(async () => {
    action = (await buildBundle()).action;
    api = await startFakeGitHub();
    repo = await createTempRepo();
    await repo.write({
      'evals/suite.yaml': SUITE,
      'evals/sim.yaml': SIM,
      'evals/accepted.json': JSON.stringify(ACCEPTED),
    });
    await copyFile(BANKING_SAMPLE, join(repo.dir, 'evals', 'data.jsonl'));
    pullRequest = pullRequestOn(await repo.commit('suite with an accepted fine-tuned model'));
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  const inputs = {
    suites: 'evals/suite.yaml',
    'sim-config': 'evals/sim.yaml',
    reference: 'evals/accepted.json',
    'compare-base': 'false',
    'run-all': 'true',
    comment: 'false',
    history: 'none',
  };
  const jobsInState = async () => {
    const text = await readFile(join(repo.dir, '.tunegate', 'cache', 'sim-state.json'), 'utf8').catch(() => '');
    return text === '' ? [] : (JSON.parse(text).jobs as { id: string; api: string }[]);
  };

  it('does not train on a pull request, and does when trigger-on names the event', async () => {
    const held = await runBundledAction(action, repo.dir, api, pullRequest, inputs);
    expect(held.stdout).not.toMatch(/unexpected error/);
    expect(held.outputs.verdict).toBe('retrain');
    // The summary's Markdown escapes the underscores.
    expect(held.summary).toContain(
      '⏸️ training is not triggered on pull\\_request runs (it is on schedule, workflow\\_dispatch, push; set the trigger-on input to change that)',
    );
    expect(await jobsInState()).toEqual([]);

    // On the simulator the job starts on the simulated fine-tuning API (its state kept in the cache dir).
    const asked = await runBundledAction(action, repo.dir, api, pullRequest, {
      ...inputs,
      'trigger-on': 'pull_request',
    });
    expect(asked.summary).toMatch(/🔁 \*\*intents\*\* \(retrain\): training job `ftjob-sim-1` on openai started/);
    expect(asked.summary).not.toContain('Connection error');
    expect((await jobsInState()).map((job) => job.id)).toEqual(['ftjob-sim-1']);
  }, 120_000);

  it('trains on a schedule, and on a push only to the default branch', async () => {
    const pushed = (ref: string) =>
      runBundledAction(action, repo.dir, api, { ref, repository }, inputs, {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: ref,
      });
    const branch = await pushed('refs/heads/feature');
    expect(branch.summary).toContain(
      '⏸️ training is triggered only by pushes to the default branch main, not refs/heads/feature',
    );
    const scheduled = await runBundledAction(action, repo.dir, api, { schedule: '0 3 * * *' }, inputs, {
      GITHUB_EVENT_NAME: 'schedule',
    });
    expect(scheduled.summary).toMatch(/training job `ftjob-sim-1` on openai was already started for this training set/);
    expect(await jobsInState()).toHaveLength(1);
  }, 120_000);
});
