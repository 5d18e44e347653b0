import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { ALERT_LABEL, type AlertChange, syncDriftAlert } from '../../src/github/drift-alert.js';
import {
  alertBody,
  alertRunMarker,
  alertTitle,
  type DriftEvidence,
  driftMarker,
  recoveredComment,
} from '../../src/github/drift-alert-body.js';
import type { DriftVariant } from '../../src/history/types.js';
import { ACTIONS_BOT, type FakeGitHub, fakeGitHubPerTest, MALLORY } from './fake-github.js';

const repository = { owner: 'acme', repo: 'intents' };
const start = fakeGitHubPerTest();

const variant = (overrides: Partial<DriftVariant> = {}): DriftVariant => ({
  model_then: 'ft:gpt-4.1-nano:acme:intents:v1',
  model_now: 'ft:gpt-4.1-nano:acme:intents:v1',
  accuracy_then: 0.91,
  accuracy_now: 0.75,
  diff: -0.16,
  diff_ci: [-0.2, -0.12],
  p_value: 0.00001,
  p_adjusted: 0.00002,
  common_cases: 200,
  latency_p95_then: 420,
  latency_p95_now: 430,
  cost_per_1k_then: 0.05,
  cost_per_1k_now: 0.05,
  drifted: true,
  reasons: ['accuracy fell 16.0 points (significant, beyond the 1.0-point margin)'],
  ...overrides,
});

const evidence = (overrides: Partial<DriftEvidence> = {}): DriftEvidence => ({
  suite: 'intents',
  drift: {
    status: 'drift',
    against: { run_id: 'r1', date: '2026-11-01T03:00:00.000Z', commit: 'aaaaaaa1111' },
    variants: {
      finetuned: variant(),
      prompted: variant({
        model_then: 'gpt-4.1',
        model_now: 'gpt-4.1',
        accuracy_now: 0.9,
        diff: -0.01,
        p_value: 0.6,
        p_adjusted: 0.6,
        drifted: false,
        reasons: [],
      }),
    },
  },
  commit: 'bbbbbbb2222',
  date: '2026-11-03T03:00:12.000Z',
  runUrl: 'https://github.com/acme/intents/actions/runs/3',
  dashboardUrl: 'https://github.com/acme/intents/blob/tunegate-history/index.html',
  runId: '3',
  flips: {
    finetuned: {
      right_to_wrong: [{ case_id: 'c7', input: 'card lost', expected: 'lost_card', output: 'card_arrival' }],
      wrong_to_right: [],
      right_to_wrong_total: 33,
      wrong_to_right_total: 0,
    },
  },
  ...overrides,
});

function change(status: AlertChange['status'], evidenceOverrides: Partial<DriftEvidence> = {}): AlertChange {
  const shown = evidence(evidenceOverrides);
  return {
    suite: shown.suite,
    status,
    title: alertTitle(shown.suite),
    body: alertBody(shown),
    ...(shown.runId ? { runMarker: alertRunMarker(shown.runId) } : {}),
    recovered: recoveredComment({ ...shown, accepted: false }),
  };
}

const writes = (fake: FakeGitHub) =>
  fake.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql').map((r) => `${r.method} ${r.path}`);

describe('the drift alert body', () => {
  it('starts with the suite’s marker and shows the evidence, the flipped cases and the links', () => {
    const body = alertBody(evidence());
    expect(body.split('\n')[0]).toBe('<!-- tunegate:drift:intents -->');
    expect(body).toContain(
      '| finetuned | ft:gpt-4.1-nano:acme:intents:v1 | 91.0% → 75.0%, −16.0 points [−20.0 points, −12.0 points] (200 paired) | 0.000010 (0.000020) | 420 ms → 430 ms | $0.05 → $0.05 | ⚠️ yes |',
    );
    expect(body).toMatch(/\| prompted \| gpt-4\.1 \| 91\.0% → 90\.0%, −1\.0 points .* \| no \|/);
    expect(body).toContain('against the accepted run of 2026-11-01T03:00:00.000Z (commit aaaaaaa)');
    expect(body).toContain('The run of 2026-11-03 (commit bbbbbbb)');
    expect(body).toContain('- **finetuned**: accuracy fell 16.0 points');
    expect(body).toContain('finetuned: 33 cases went right → wrong since the reference (first 1)');
    expect(body).toContain('| c7 | card lost | lost\\_card | card\\_arrival |');
    expect(body).toContain(
      '[The run](https://github.com/acme/intents/actions/runs/3) · [Dashboard](https://github.com/acme/intents/blob/tunegate-history/index.html)',
    );
    expect(body).toContain('`accept: true`');
  });

  it('is the same for two runs of the same night, and cannot be broken by what the data says', () => {
    expect(alertBody(evidence({ date: '2026-11-03T09:59:00.000Z' }))).toBe(alertBody(evidence()));
    const hostile = alertBody(
      evidence({
        flips: {
          finetuned: {
            right_to_wrong: [{ case_id: 'x', output: '</details> @octocat | <!-- tunegate:drift:intents -->' }],
            wrong_to_right: [],
            right_to_wrong_total: 1,
            wrong_to_right_total: 0,
          },
        },
      }),
    );
    expect(hostile.match(/<!-- tunegate:drift:intents -->/g)).toHaveLength(1);
    expect(hostile).not.toContain('@octocat');
    expect(hostile.match(/<\/details>/g)).toHaveLength(1);
    expect(alertTitle('a\u001b[31m\nb')).toBe('tunegate: a[31m ⏎ b drifted from its accepted reference');
  });

  it('stays within GitHub’s issue body limit with thousands of flipped cases', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ case_id: `c${i}`, input: 'x'.repeat(150), output: 'y' }));
    const body = alertBody(
      evidence({
        flips: {
          finetuned: { right_to_wrong: many, wrong_to_right: [], right_to_wrong_total: 3000, wrong_to_right_total: 0 },
        },
      }),
    );
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('| finetuned | ft:gpt-4.1-nano');
    expect(body).toContain('shortened to fit an issue');
  });

  it('says why it closes', () => {
    const base = { suite: 'intents', commit: 'ccccccc', date: '2026-11-05T03:00:00Z', runUrl: null };
    expect(recoveredComment({ ...base, accepted: false })).toBe(
      '<!-- tunegate:drift:intents -->\n✅ Recovered: the run of 2026-11-05 (commit ccccccc) is back within the bounds of the accepted reference.\n\n\n',
    );
    expect(recoveredComment({ ...base, accepted: true })).toContain('was accepted as the new reference');
  });
});

describe('syncDriftAlert', () => {
  it('opens one labelled issue, leaves it alone when nothing changed, and updates it when something did', async () => {
    const { fake, client } = await start();
    const opened = await syncDriftAlert(client, repository, change('drift'));
    expect(opened).toMatchObject({ action: 'opened', number: 100, url: 'https://github.com/acme/intents/issues/100' });
    expect(fake.labels.get('tunegate')).toEqual({ ...ALERT_LABEL });
    const issue = fake.issues.get(100);
    expect(issue).toMatchObject({ state: 'open', labels: ['tunegate'], title: alertTitle('intents') });
    expect(issue?.body.startsWith(driftMarker('intents'))).toBe(true);

    const rerun = await syncDriftAlert(client, repository, change('drift'));
    expect(rerun).toMatchObject({ action: 'unchanged', number: 100 });

    const later = change('drift', { date: '2026-11-04T03:00:00Z', runId: '4' });
    const updated = await syncDriftAlert(client, repository, later);
    expect(updated).toMatchObject({ action: 'updated', number: 100 });
    expect(fake.issues.size).toBe(1);
    expect(fake.issues.get(100)?.body).toBe(later.body);
    expect(writes(fake)).toEqual([
      'POST /repos/acme/intents/labels',
      'POST /repos/acme/intents/issues',
      'PATCH /repos/acme/intents/issues/100',
    ]);
  });

  it('leaves the alert as it is when a re-run of the run that wrote it measures slightly other numbers', async () => {
    const { fake, client } = await start();
    await syncDriftAlert(client, repository, change('drift', { runId: '4' }));
    const written = fake.issues.get(100)?.body;
    const drift = evidence().drift;
    const rerun = change('drift', {
      runId: '4',
      drift: { ...drift, variants: { finetuned: variant({ latency_p95_now: 455 }) } },
    });
    expect(rerun.body).not.toBe(written);
    expect(await syncDriftAlert(client, repository, rerun)).toMatchObject({ action: 'unchanged', number: 100 });
    expect(fake.issues.get(100)?.body).toBe(written);
    const nextNight = change('drift', { runId: '5' });
    expect(await syncDriftAlert(client, repository, nextNight)).toMatchObject({ action: 'updated', number: 100 });
    expect(fake.issues.get(100)?.body).toContain('<!-- tunegate:drift-run:5 -->');
  });

  it('comments “recovered” and closes the alert when the suite is back within bounds, then does nothing', async () => {
    const { fake, client } = await start();
    await syncDriftAlert(client, repository, change('drift'));
    const closed = await syncDriftAlert(client, repository, change('recovered'));
    expect(closed).toMatchObject({ action: 'closed', number: 100 });
    expect(fake.issues.get(100)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const comments = [...fake.comments.values()];
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ issue_number: 100 });
    expect(comments[0]?.body).toContain('✅ Recovered');
    expect(await syncDriftAlert(client, repository, change('none'))).toMatchObject({ action: 'none' });
    const requests = fake.requests.length;
    expect(await syncDriftAlert(client, repository, change('no-history'))).toMatchObject({ action: 'none' });
    expect(fake.requests.length).toBe(requests);
    expect(fake.comments.size).toBe(1);
  });

  it('opens a new alert when the suite drifts again after its alert was closed', async () => {
    const { fake, client } = await start();
    await syncDriftAlert(client, repository, change('drift'));
    await syncDriftAlert(client, repository, change('recovered'));
    const again = await syncDriftAlert(client, repository, change('drift'));
    expect(again).toMatchObject({ action: 'opened', number: 101 });
    expect(fake.issues.get(100)?.state).toBe('closed');
  });

  it('never touches an issue someone else wrote with the marker, nor another suite’s alert', async () => {
    const { fake, client } = await start();
    const body = change('drift').body;
    fake.issues.set(100, { number: 100, title: 'fake', body, state: 'open', labels: ['tunegate'], user: MALLORY });
    fake.issues.set(101, {
      number: 101,
      title: 'other',
      body: `${driftMarker('other-suite')}\nx`,
      state: 'open',
      labels: ['tunegate'],
      user: ACTIONS_BOT,
    });
    const opened = await syncDriftAlert(client, repository, change('drift'));
    expect(opened).toMatchObject({ action: 'opened', number: 102 });
    expect(opened.notes).toEqual([
      'ignored issue #100 by mallory: it carries the marker but was not written with this token',
    ]);
    const closed = await syncDriftAlert(client, repository, change('recovered'));
    expect(closed.number).toBe(102);
    expect(fake.issues.get(100)).toMatchObject({ state: 'open', body });
    expect(fake.issues.get(101)?.state).toBe('open');
  });

  it('keeps a label the repository already has', async () => {
    const { fake, client } = await start();
    fake.labels.set('tunegate', { name: 'tunegate', color: '000000', description: 'ours' });
    await syncDriftAlert(client, repository, change('drift'));
    expect(fake.labels.get('tunegate')?.color).toBe('000000');
    expect(writes(fake)).toEqual(['POST /repos/acme/intents/issues']);
  });

  it('says which permission to add when GitHub refuses the issue (403)', async () => {
    const { client } = await start({ failIssues: 403 });
    const error = await syncDriftAlert(client, repository, change('drift')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('alert-permission');
    expect((error as TunegateError).message).toContain('permissions:\n    issues: write');
  });
});
