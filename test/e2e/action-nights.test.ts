import { execFileSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/text.js';
import type { RunResults } from '../../src/report/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from '../github/fake-github.js';
import { type ActionRun, runBundledAction } from './action-runner.js';
import { BANKING_SAMPLE, readJsonl, tempDir } from './helpers.js';

/**
 * Five scheduled nights of the bundled Action against one fine-tuned model id, whose accuracy the
 * simulator drops from 91% to 75% on night 3 and restores on night 5; the history lives on a branch of
 * a fake GitHub, which also holds the alert issue. The Action is bundled from the sources first.
 */
const root = join(import.meta.dirname, '..', '..');
const FINE_TUNED = 'ft:gpt-4.1-nano:acme:intents:v1';

/** The suite, its provider at a fixed loopback address where each night a simulator answers. */
const suiteYaml = (port: number) => `name: intents
dataset: { path: data.jsonl }
task: { kind: classification }
providers:
  sim: { base_url: "http://127.0.0.1:${port}/v1", concurrency: 16, max_retries: 0 }
variants:
  prompted: { role: prompted, provider: sim, model: gpt-4.1, system: "Answer with the intent label." }
  finetuned: { role: finetuned, provider: sim, model: "${FINE_TUNED}" }
decision:
  max_accuracy_loss: 0.03
  # Loopback latency on a shared machine is noise, not drift.
  drift_latency_pct: 10000
`;

/** The simulator of one night: the same model ids, the fine-tuned one at `accuracy`. */
async function simulatorAt(accuracy: number, port: number) {
  const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
  return startSimulator(
    { seed: 5, cases, shared_difficulty: 0.9, models: { 'gpt-4.1': { accuracy: 0.93 }, [FINE_TUNED]: { accuracy } } },
    { port },
  );
}

const scheduleEvent = {
  schedule: '17 3 * * *',
  repository: { name: 'app', owner: { login: 'acme' }, full_name: 'acme/app' },
};

/** A repository with the suite, and the fake GitHub its workflow talks to. */
interface Place {
  repo: TempRepo;
  api: FakeGitHub;
  sha: string;
  /** Where the simulator listens, night after night. */
  port: number;
}

let action: string;
let repo: TempRepo;
let api: FakeGitHub;
let sha: string;
let port: number;
const fakes: FakeGitHub[] = [];

async function newPlace(options?: FakeGitHubOptions): Promise<Place> {
  // A free port, found by listening once: every night's simulator listens there.
  const probe = await simulatorAt(0.91, 0);
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const place = { api: await startFakeGitHub(options), repo: await createTempRepo(), port };
  fakes.push(place.api);
  await place.repo.write({ 'evals/suite.yaml': suiteYaml(port) });
  await copyFile(BANKING_SAMPLE, join(place.repo.dir, 'evals', 'data.jsonl'));
  return { ...place, sha: await place.repo.commit('evals') };
}

beforeAll(async () => {
  const build = await tempDir('tunegate-nights-build-');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), join(build, 'dist')], { cwd: root });
  action = join(build, 'dist', 'index.js');
  ({ repo, api, sha, port } = await newPlace());
}, 120_000);

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
});

const inputs = { suites: 'evals/suite.yaml' };

/** One scheduled night: the simulator serves the fine-tuned id at `accuracy`, at the same address. */
async function night(
  runId: number,
  accuracy: number,
  attempt = 1,
  at: Place = { repo, api, sha, port },
  extraInputs: Record<string, string> = {},
): Promise<ActionRun> {
  const simulator = await simulatorAt(accuracy, at.port);
  try {
    return await runBundledAction(
      action,
      at.repo.dir,
      at.api,
      scheduleEvent,
      { ...inputs, ...extraInputs },
      {
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_RUN_ID: String(runId),
        GITHUB_RUN_ATTEMPT: String(attempt),
        GITHUB_SHA: at.sha,
        GITHUB_WORKFLOW: 'nightly',
      },
    );
  } finally {
    await simulator.close();
  }
}

async function resultsOf(run: ActionRun): Promise<RunResults> {
  return JSON.parse(await readFile(run.outputs['results-path'] ?? '', 'utf8')) as RunResults;
}

/** Every call of the run went to the model (none answered from the response cache). */
async function expectFreshCalls(run: ActionRun) {
  const results = await resultsOf(run);
  expect(results.cache_mode).toBe('refresh');
  expect(results.summary.calls).toBe(400);
  expect(results.summary.cached).toBe(0);
}

const issueWrites = (from: number) =>
  api.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && /\/(issues|labels)/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);

describe('five scheduled nights through the bundled Action (simulated models, fake GitHub)', () => {
  const runs: ActionRun[] = [];

  it('night 1 is the accepted reference, kept on a new tunegate-history branch', async () => {
    const run = await night(1001, 0.91);
    runs.push(run);
    expect(run.stdout).not.toMatch(/unexpected error|::warning::History/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'no-history' });
    expect(run.outputs['alert-url']).toBe('');
    expect(run.stdout).toContain('History: branch tunegate-history does not exist yet');
    const files = api.git.branchFiles('tunegate-history');
    expect([...(files?.keys() ?? [])].sort()).toEqual(['history.jsonl', 'index.html']);
    const history = parseHistory(files?.get('history.jsonl') ?? '');
    expect(history.problems).toEqual([]);
    expect(history.runs).toHaveLength(1);
    expect(history.runs[0]).toMatchObject({
      suite: 'intents',
      event: 'schedule',
      commit: sha,
      run_url: 'https://github.com/acme/app/actions/runs/1001',
      accepted: true,
      accepted_reason: 'first',
    });
    expect(api.issues.size).toBe(0);
    await expectFreshCalls(run);
  });

  it('night 2 at the same accuracy finds no drift and opens nothing', async () => {
    const run = await night(1002, 0.91);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'none' });
    expect(api.issues.size).toBe(0);
    await expectFreshCalls(run);
  });

  it('a pull-request run in between is served from the cache, and keeps no history', async () => {
    const head = api.git.head('tunegate-history');
    const before = api.requests.length;
    const event = {
      number: 7,
      pull_request: {
        number: 7,
        base: { sha, ref: 'main', repo: { full_name: 'acme/app' } },
        head: { sha, ref: 'prompt', repo: { full_name: 'acme/app' } },
      },
    };
    // No simulator listens: every answer must come from the response cache.
    const run = await runBundledAction(
      action,
      repo.dir,
      api,
      event,
      { ...inputs, 'compare-base': 'false', 'run-all': 'true', comment: 'false' },
      {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_RUN_ID: '2001',
        GITHUB_SHA: sha,
      },
    );
    expect(run.code).toBe(0);
    const results = await resultsOf(run);
    expect(results.cache_mode).toBe('use');
    expect(results.summary.cached).toBe(results.summary.calls);
    expect(run.stdout).toContain('History: not kept on pull_request runs');
    expect(api.git.head('tunegate-history')).toBe(head);
    expect(issueWrites(before)).toEqual([]);
  });

  it('night 3 at 75% behind the same id reports drift, fails, and opens exactly one alert', async () => {
    const before = api.requests.length;
    const run = await night(1003, 0.75);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::tunegate: .*drift from the accepted reference: intents: finetuned/);
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'drift' });
    expect(api.issues.size).toBe(1);
    const issue = api.issues.get(100);
    expect(issue).toMatchObject({ state: 'open', labels: ['tunegate'], user: { login: 'github-actions[bot]' } });
    expect(issue?.title).toBe('tunegate: intents drifted from its accepted reference');
    const body = issue?.body ?? '';
    expect(body.startsWith('<!-- tunegate:drift:intents -->\n')).toBe(true);
    expect(body).toMatch(
      /\| finetuned \| ft:gpt-4\.1-nano:acme:intents:v1 \| 9\d\.\d% → 7\d\.\d%, −1\d\.\d points .*⚠️ yes \|/,
    );
    expect(body).toMatch(/\| prompted \| gpt-4\.1 \| .* \| no \|/);
    expect(body).toMatch(/finetuned: \d+ cases went right → wrong since the reference \(first 20\)/);
    expect(body).toContain('[The run](https://github.com/acme/app/actions/runs/1003)');
    expect(body).toContain('[Dashboard](https://github.com/acme/app/tree/tunegate-history)');
    expect(run.outputs['alert-url']).toBe('https://github.com/acme/app/issues/100');
    expect(api.labels.get('tunegate')?.description).toMatch(/Drift alerts/);
    expect(issueWrites(before)).toEqual(['POST /repos/acme/app/labels', 'POST /repos/acme/app/issues']);
    await expectFreshCalls(run);
    runs.push(run);
  });

  it('night 4, still at 75%, updates the same alert; re-running night 4 changes nothing more', async () => {
    const before = api.requests.length;
    const run = await night(1004, 0.75);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'drift' });
    expect(issueWrites(before)).toEqual(['PATCH /repos/acme/app/issues/100']);
    expect(api.issues.size).toBe(1);
    expect(api.issues.get(100)?.body).toContain('[The run](https://github.com/acme/app/actions/runs/1004)');
    const body = api.issues.get(100)?.body;

    const again = api.requests.length;
    const rerun = await night(1004, 0.75, 2);
    expect(rerun.code).toBe(1);
    expect(rerun.outputs['alert-url']).toBe('https://github.com/acme/app/issues/100');
    expect(rerun.stdout).toContain('Drift alert of intents unchanged');
    expect(issueWrites(again)).toEqual([]);
    expect(api.issues.size).toBe(1);
    expect(api.issues.get(100)?.body).toBe(body);
    expect(api.comments.size).toBe(0);
  });

  it('night 5, back at 91%, reports recovered, comments and closes the alert', async () => {
    const before = api.requests.length;
    const run = await night(1005, 0.91);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'recovered' });
    expect(issueWrites(before)).toEqual([
      'POST /repos/acme/app/issues/100/comments',
      'PATCH /repos/acme/app/issues/100',
    ]);
    expect(api.issues.get(100)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const comments = [...api.comments.values()];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(
      /✅ Recovered: the run of \d{4}-\d\d-\d\d \(commit [0-9a-f]{7}\) is back within the bounds/,
    );
    expect(run.outputs['alert-url']).toBe('https://github.com/acme/app/issues/100');
    await expectFreshCalls(run);
  });

  it('shows the trend in the job summary and keeps the dashboard page beside the history', () => {
    const night3 = runs[1];
    expect(night3?.summary).toContain('xychart-beta');
    const page = api.git.branchFiles('tunegate-history')?.get('index.html') ?? '';
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('id="tunegate-data"');
    expect(page).toContain('https://github.com/acme/app/actions/runs/1005');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']https?:/);
  });

  it('kept every run on the branch, one commit each, paired case by case', () => {
    const history = parseHistory(api.git.branchFiles('tunegate-history')?.get('history.jsonl') ?? '');
    expect(history.problems).toEqual([]);
    expect(history.runs.map((r) => r.drift)).toEqual(['no-history', 'none', 'drift', 'drift', 'drift', 'recovered']);
    expect(history.ids.size).toBe(1);
    expect(api.git.log('tunegate-history')).toHaveLength(6);
  });
});

describe('the same nights, told otherwise (bundled Action)', () => {
  it('with cache-mode: use, night 3 replays night 1’s answers and sees no drift: only the mode made it visible', async () => {
    const place = await newPlace();
    const useCache = { 'cache-mode': 'use' };
    expect((await night(3001, 0.91, 1, place, useCache)).code).toBe(0);
    const blind = await night(3003, 0.75, 1, place, useCache);
    expect(blind.stdout).not.toMatch(/::error::/);
    expect(blind.code).toBe(0);
    expect(JSON.parse(blind.outputs.drift ?? '')).toEqual({ intents: 'none' });
    const results = await resultsOf(blind);
    expect(results.cache_mode).toBe('use');
    expect(results.summary.cached).toBe(results.summary.calls);
    expect(place.api.issues.size).toBe(0);

    const seeing = await night(3004, 0.75, 1, place);
    expect(JSON.parse(seeing.outputs.drift ?? '')).toEqual({ intents: 'drift' });
    expect(place.api.issues.size).toBe(1);
  });

  it('without contents: write, says which permission to add, and still reports', async () => {
    const place = await newPlace({ failGit: 403 });
    const run = await night(4001, 0.91, 1, place);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::History not stored \(the results are reported all the same\): the token cannot write the history branch tunegate-history; add to the workflow:%0A {2}permissions:%0A {4}contents: write/,
    );
    expect(run.outputs.passed).toBe('true');
    expect(JSON.parse(run.outputs.drift ?? '')).toEqual({ intents: 'no-history' });
    expect(run.summary).toContain('## tunegate results');
    expect(place.api.git.head('tunegate-history')).toBeUndefined();
  });

  it('leaves a branch with unrelated content as it was, keeping its files in tunegate/', async () => {
    const place = await newPlace();
    const site = { 'index.html': '<h1>docs</h1>', 'guide/intro.md': '# intro' };
    place.api.git.seedBranch('gh-pages', site);
    const run = await night(5001, 0.91, 1, place, { history: 'branch:gh-pages' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('branch gh-pages holds other files; tunegate keeps its history in tunegate/ there');
    const files = Object.fromEntries(place.api.git.branchFiles('gh-pages') ?? []);
    expect(files).toMatchObject(site);
    expect(parseHistory(files['tunegate/history.jsonl'] ?? '').runs).toHaveLength(1);
  });
});
