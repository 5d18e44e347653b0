import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardArtifactName } from '../../src/github/merge-run.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { type FakeGitHub, startFakeGitHub } from '../github/fake-github.js';
import { pullRequestEvent, runBundledAction } from './action-runner.js';
import { BANKING_SAMPLE } from './helpers.js';

const ACTION = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

const SUITE = `name: intents
dataset: { path: data.jsonl, sample: { size: 120, seed: 3 } }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-5.5, system: "Answer with the intent label." }
  finetuned: { role: finetuned, provider: openai, model: "ft:gpt-4.1-mini:acme::intents" }
thresholds:
  accuracy: { min: 0.7 }
decision: { max_accuracy_loss: 0.03, fail_on: [keep-prompting] }
`;

// The fine-tune is far worse: the whole run's verdict is keep-prompting, which the suite fails on.
const SIM = `seed: 5
shared_difficulty: 0.9
models:
  gpt-5.5: { accuracy: 0.9 }
  "ft:gpt-4.1-mini:acme::intents": { accuracy: 0.6 }
`;

/** Each shard's out dir where actions/download-artifact would put its artifact in the merge job. */
const shardOut = (k: number) => `tunegate-shards/${shardArtifactName('tunegate-results', { index: k, count: 2 })}`;

describe('the bundled Action sharded over a job matrix, then merged by one job', () => {
  let repo: TempRepo;
  let api: FakeGitHub;
  let event: object;
  const common = {
    suites: 'evals/suite.yaml',
    'sim-config': 'evals/sim.yaml',
    'compare-base': 'false',
    'run-all': 'true',
    cache: 'false',
  };

  beforeAll(async () => {
    api = await startFakeGitHub();
    repo = await createTempRepo();
    await repo.write({ 'evals/suite.yaml': SUITE, 'evals/sim.yaml': SIM });
    await copyFile(BANKING_SAMPLE, join(repo.dir, 'evals', 'data.jsonl'));
    const base = await repo.commit('suite');
    await repo.write({ 'evals/sim.yaml': `${SIM}# the pull request's change\n` });
    event = pullRequestEvent(base, await repo.commit('head'));
  });

  afterAll(async () => {
    await api?.close();
  });

  it('names each shard artifact after the run artifact and the shard', () => {
    expect(shardArtifactName('tunegate-results', { index: 2, count: 4 })).toBe('tunegate-results-shard-2-of-4');
    expect(shardArtifactName(undefined, { index: 2, count: 4 })).toBeUndefined();
  });

  it('runs each shard on part of the cases, without a comment and without failing on the partial verdict', async () => {
    const sizes: number[] = [];
    for (const k of [1, 2]) {
      const run = await runBundledAction(ACTION, repo.dir, api, event, {
        ...common,
        shard: `${k}/2`,
        out: shardOut(k),
      });
      expect(run.stdout).not.toMatch(/unexpected error/);
      expect(run.code).toBe(0);
      expect(run.outputs.passed).toBe('true');
      expect(run.summary).toContain(`Shard ${k} of 2: the figures and verdict below rest on this shard's cases only`);
      const results = JSON.parse(await readFile(join(repo.dir, shardOut(k), 'results.json'), 'utf8'));
      expect(results.shard).toMatchObject({ index: k, count: 2 });
      sizes.push(results.suites[0].variants.prompted.metrics.n);
    }
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[1]).toBeGreaterThan(0);
    expect((sizes[0] ?? 0) + (sizes[1] ?? 0)).toBe(120);
    expect(api.comments.size).toBe(0);
  });

  it('refuses to merge when a shard is missing, naming it', async () => {
    const run = await runBundledAction(ACTION, repo.dir, api, event, {
      ...common,
      command: 'merge',
      shards: shardOut(1),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/shard 2\/2 is missing/);
    expect(api.comments.size).toBe(0);
  });

  it('merges the downloaded shards into one run: one sticky comment, the whole verdict, the gate', async () => {
    const run = await runBundledAction(ACTION, repo.dir, api, event, { ...common, command: 'merge' });
    expect(run.stdout).not.toMatch(/unexpected error/);
    expect(run.stdout).toContain('Merging 2 shard result(s)');
    const results = JSON.parse(await readFile(join(repo.dir, 'tunegate-results', 'results.json'), 'utf8'));
    expect(results.shard).toBeUndefined();
    expect(results.suites[0].variants.prompted.metrics.n).toBe(120);
    expect(results.suites[0].verdict.decision).toBe('keep-prompting');
    expect(run.outputs).toMatchObject({ passed: 'false', verdict: 'keep-prompting' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::tunegate: .*verdicts the suites fail on: intents: keep-prompting/);
    const comments = [...api.comments.values()];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Keep prompting');
    expect(run.summary).toContain('## tunegate results');
    expect(run.summary).not.toContain('Shard 1 of 2');

    // A second merge (a re-run of the job) updates the same comment.
    const again = await runBundledAction(ACTION, repo.dir, api, event, { ...common, command: 'merge' });
    expect(again.code).toBe(1);
    expect(api.comments.size).toBe(1);
  });
});
