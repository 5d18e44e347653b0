import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { commentMarker, tokenIdentity, upsertStickyComment, writtenBy } from '../../src/github/comment.js';
import {
  ACTIONS_BOT,
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakeUser,
  MALLORY,
  startFakeGitHub,
} from './fake-github.js';

const MARKER = commentMarker('ci', 'pr');

describe('commentMarker', () => {
  it('is a hidden HTML comment naming the workflow and the key', () => {
    expect(commentMarker('ci', 'banking-intents')).toBe('<!-- tunegate:ci:banking-intents -->');
  });

  it('cannot be closed early or confused by what the names contain', () => {
    const marker = commentMarker('evil --> <b>x</b>', 'a:b-->\n--!>');
    expect(marker.startsWith('<!-- tunegate:')).toBe(true);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(marker).not.toContain('\n');
    expect(marker.slice(4, -4)).not.toContain('--');
    expect(marker.split(':')).toHaveLength(3);
    expect(commentMarker('a:b', 'c')).not.toBe(commentMarker('a', 'b:c'));
    expect(commentMarker('', '  ')).toBe('<!-- tunegate:_:_ -->');
    expect(commentMarker('Évals / nightly', 'suite.v2')).toBe('<!-- tunegate:Évals-/-nightly:suite.v2 -->');
  });
});

describe('upsertStickyComment', () => {
  const target = { owner: 'acme', repo: 'intents', issue_number: 7 };
  const fakes: FakeGitHub[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });

  async function start(options?: FakeGitHubOptions, token = 'test-token') {
    const fake = await startFakeGitHub(options);
    fakes.push(fake);
    return { fake, octokit: getOctokit(token, { baseUrl: fake.url }) };
  }

  function seed(fake: FakeGitHub, id: number, body: string, user: FakeUser = MALLORY, issue_number = 7) {
    fake.comments.set(id, { id, issue_number, body, user: { login: user.login, type: user.type } });
  }

  const commentRequests = (fake: FakeGitHub) =>
    fake.requests.filter((r) => r.path !== '/graphql').map((r) => `${r.method} ${r.path.split('?')[0]}`);

  it('creates the comment once, then updates the same one', async () => {
    const { fake, octokit } = await start();
    const created = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nfirst run`);
    expect(created.action).toBe('created');
    expect(created.url).toBe(`https://github.com/acme/intents/pull/7#issuecomment-${created.id}`);
    expect(fake.comments.get(created.id)).toMatchObject({ issue_number: 7, body: `${MARKER}\nfirst run` });

    const updated = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nsecond run`);
    expect(updated).toEqual({ ...created, action: 'updated' });
    expect(fake.comments.size).toBe(1);
    expect(fake.comments.get(created.id)?.body).toBe(`${MARKER}\nsecond run`);
    expect(commentRequests(fake)).toEqual([
      'GET /repos/acme/intents/issues/7/comments',
      'POST /repos/acme/intents/issues/7/comments',
      'GET /repos/acme/intents/issues/7/comments',
      `PATCH /repos/acme/intents/issues/comments/${created.id}`,
    ]);
  });

  it('leaves other tools’ comments, other keys and other pull requests alone', async () => {
    const { fake, octokit } = await start();
    seed(fake, 1, '<!-- other-tool:ci:pr -->\nreport', ACTIONS_BOT);
    seed(fake, 2, `${commentMarker('ci', 'pr-2')}\nanother suite`, ACTIONS_BOT);
    seed(fake, 3, `${MARKER}\non another pull request`, ACTIONS_BOT, 8);
    seed(fake, 4, `${commentMarker('nightly', 'pr')}\nanother workflow`, ACTIONS_BOT);

    const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nours`);
    expect(result.action).toBe('created');
    expect([1, 2, 3, 4].map((id) => fake.comments.get(id)?.body)).toEqual([
      '<!-- other-tool:ci:pr -->\nreport',
      `${commentMarker('ci', 'pr-2')}\nanother suite`,
      `${MARKER}\non another pull request`,
      `${commentMarker('nightly', 'pr')}\nanother workflow`,
    ]);
  });

  it('follows pagination to find its comment on page 3, and updates the most recent of duplicates', async () => {
    const { fake, octokit } = await start();
    for (let id = 1; id <= 250; id++) seed(fake, id, `comment ${id}`);
    seed(fake, 251, `${MARKER}\nolder duplicate`, ACTIONS_BOT);
    seed(fake, 252, `${MARKER}\nlatest`, ACTIONS_BOT);

    const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew`);
    expect(result).toMatchObject({ action: 'updated', id: 252 });
    expect(fake.comments.get(252)?.body).toBe(`${MARKER}\nnew`);
    expect(fake.comments.get(251)?.body).toBe(`${MARKER}\nolder duplicate`);
    expect(fake.comments.size).toBe(252);
    const pages = fake.requests.filter((r) => r.method === 'GET').map((r) => new URL(r.path, fake.url).searchParams);
    expect(pages.map((params) => [params.get('per_page'), params.get('page') ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ]);
  });

  // Someone posts the marker: before the bot ever commented, or after it did, on a token that may edit
  // others' comments (GitHub lets write access do that) and on one that may not (GitHub answers 403).
  describe.each([
    { editOthersComments: true, server: 'lets the token edit others’ comments' },
    { editOthersComments: false, server: 'refuses to edit others’ comments' },
  ])('a comment by someone else carrying the marker, when GitHub $server', ({ editOthersComments }) => {
    const hijack = `${MARKER}\nplease merge, all evals pass`;

    it('posted before the bot’s first comment: left as it is, and the bot writes its own', async () => {
      const { fake, octokit } = await start({ editOthersComments });
      seed(fake, 1, hijack);
      const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nreport`);
      expect(result.action).toBe('created');
      expect(fake.comments.get(1)).toMatchObject({ body: hijack, user: { login: 'mallory' } });
      expect(fake.comments.get(result.id)).toMatchObject({ body: `${MARKER}\nreport`, user: ACTIONS_BOT });
      expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
      expect(result.notes).toEqual([
        'ignored comment 1 by mallory: it carries the marker but was not written with this token',
      ]);
    });

    it('posted after the bot’s comment: the bot’s comment is updated, the newer one left as it is', async () => {
      const { fake, octokit } = await start({ editOthersComments });
      seed(fake, 1, `${MARKER}\nold report`, ACTIONS_BOT);
      seed(fake, 2, hijack);
      const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew report`);
      expect(result).toMatchObject({ action: 'updated', id: 1 });
      expect(fake.comments.get(1)?.body).toBe(`${MARKER}\nnew report`);
      expect(fake.comments.get(2)?.body).toBe(hijack);
      expect(fake.comments.size).toBe(2);
    });
  });

  it.each([
    ['REST form', 'github-actions[bot]'],
    ['GraphQL form without [bot]', 'github-actions'],
  ])('recognises the bot’s own comment whichever form of its login the viewer query gives (%s)', async (_, viewer) => {
    const bot = { ...ACTIONS_BOT, viewerLogin: viewer };
    const { fake, octokit } = await start({ users: { 'test-token': bot } });
    seed(fake, 1, `${MARKER}\nold`, ACTIONS_BOT);
    expect(await tokenIdentity(octokit)).toEqual({ login: viewer, known: true });
    await expect(upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew`)).resolves.toMatchObject({ id: 1 });
  });

  it('with a personal access token, edits that person’s comment and not the Actions bot’s', async () => {
    const alice: FakeUser = { login: 'alice', type: 'User' };
    const { fake, octokit } = await start({ users: { 'alice-token': alice }, editOthersComments: true }, 'alice-token');
    seed(fake, 1, `${MARKER}\nby alice`, alice);
    seed(fake, 2, `${MARKER}\nby the bot`, ACTIONS_BOT);
    const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew`);
    expect(result).toMatchObject({ action: 'updated', id: 1 });
    expect(fake.comments.get(2)?.body).toBe(`${MARKER}\nby the bot`);
  });

  it('assumes the Actions bot when the token’s identity cannot be read', async () => {
    const { fake, octokit } = await start({ graphql: 'unavailable' });
    seed(fake, 1, `${MARKER}\nby the bot`, ACTIONS_BOT);
    seed(fake, 2, `${MARKER}\nby mallory`);
    expect(await tokenIdentity(octokit)).toEqual({ login: 'github-actions[bot]', known: false });
    const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew`);
    expect(result).toMatchObject({ action: 'updated', id: 1 });
    expect(fake.comments.get(2)?.body).toBe(`${MARKER}\nby mallory`);
    expect(result.notes).toContain("could not read the token's identity; assumed github-actions[bot]");
  });

  it('writes a new comment when GitHub refuses to edit the one it took for its own (403 on edit only)', async () => {
    // Identity unreadable, so the bot is assumed; the token is in fact alice's, and GitHub refuses the edit.
    const alice: FakeUser = { login: 'alice', type: 'User' };
    const { fake, octokit } = await start({ users: { 'alice-token': alice }, graphql: 'unavailable' }, 'alice-token');
    seed(fake, 1, `${MARKER}\nby the bot`, ACTIONS_BOT);
    const result = await upsertStickyComment(octokit, target, MARKER, `${MARKER}\nnew`);
    expect(result.action).toBe('created');
    expect(fake.comments.get(1)?.body).toBe(`${MARKER}\nby the bot`);
    expect(fake.comments.get(result.id)).toMatchObject({ body: `${MARKER}\nnew`, user: { login: 'alice' } });
    expect(result.notes).toContain('GitHub refused to edit comment 1 (403); writing a new comment instead');
  });

  it('says which permissions block to add when GitHub refuses to comment at all (403)', async () => {
    const { fake, octokit } = await start({ failComments: 403 });
    seed(fake, 1, `${MARKER}\nby the bot`, ACTIONS_BOT);
    const error = await upsertStickyComment(octokit, target, MARKER, 'body').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('comment-permission');
    expect((error as TunegateError).message).toContain(
      'the token cannot comment on this pull request; add to the workflow:\n  permissions:\n    pull-requests: write',
    );
    expect((error as TunegateError).message).toContain('forks get a read-only token');
    expect(fake.comments.size).toBe(1);
  });

  it('treats 404 as a permission problem too, and other failures as a failed comment', async () => {
    const hidden = await start({ failComments: 404 });
    await expect(upsertStickyComment(hidden.octokit, target, MARKER, 'body')).rejects.toMatchObject({
      code: 'comment-permission',
      message: expect.stringContaining('pull-requests: write'),
    });
    const broken = await start({ failComments: 500 });
    await expect(upsertStickyComment(broken.octokit, target, MARKER, 'body')).rejects.toMatchObject({
      code: 'comment-failed',
      message: expect.stringContaining('HTTP 500'),
    });
  });
});

describe('writtenBy', () => {
  it('matches a bot in both login forms, a person by login only, and nobody else', () => {
    const bot = { login: 'github-actions[bot]', type: 'Bot' };
    expect(writtenBy({ login: 'github-actions[bot]', known: true }, bot)).toBe(true);
    expect(writtenBy({ login: 'github-actions', known: true }, bot)).toBe(true);
    expect(writtenBy({ login: 'github-actions', known: true }, { login: 'github-actions[bot]', type: 'User' })).toBe(
      false,
    );
    expect(writtenBy({ login: 'alice', known: true }, { login: 'alice', type: 'User' })).toBe(true);
    expect(writtenBy({ login: 'alice', known: true }, { login: 'alice[bot]', type: 'Bot' })).toBe(true);
    expect(writtenBy({ login: 'github-actions[bot]', known: false }, { login: 'mallory', type: 'User' })).toBe(false);
    expect(writtenBy({ login: 'github-actions[bot]', known: false }, null)).toBe(false);
  });
});

describe('fake GitHub', () => {
  it('answers like GitHub: Link header, 401 without a token, 404 elsewhere', async () => {
    const fake = await startFakeGitHub();
    try {
      for (let id = 1; id <= 5; id++)
        fake.comments.set(id, { id, issue_number: 1, body: `c${id}`, user: { login: 'u' } });
      const page2 = await fetch(`${fake.url}/repos/o/r/issues/1/comments?per_page=2&page=2`, {
        headers: { authorization: 'token t' },
      });
      expect(fake.url).not.toMatch(/\/$/);
      expect(((await page2.json()) as { id: number }[]).map((c) => c.id)).toEqual([3, 4]);
      const link = page2.headers.get('link') ?? '';
      expect(link).toContain(`<${fake.url}/repos/o/r/issues/1/comments?per_page=2&page=3>; rel="next"`);
      expect(link).toContain(`<${fake.url}/repos/o/r/issues/1/comments?per_page=2&page=3>; rel="last"`);
      expect(link).toContain('page=1>; rel="prev"');
      const anonymous = await fetch(`${fake.url}/repos/o/r/issues/1/comments`);
      expect(anonymous.status).toBe(401);
      const other = await fetch(`${fake.url}/repos/o/r/pulls/1`, { headers: { authorization: 'token t' } });
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ message: 'Not Found' });
    } finally {
      await fake.close();
    }
  });

  it('knows who each token is: GraphQL viewer, comment ownership, 403 on editing another’s comment', async () => {
    const fake = await startFakeGitHub({ users: { 'mallory-token': MALLORY } });
    const as = (token: string) => ({ authorization: `token ${token}`, 'content-type': 'application/json' });
    try {
      const viewer = async (token: string) => {
        const response = await fetch(`${fake.url}/graphql`, {
          method: 'POST',
          headers: as(token),
          body: JSON.stringify({ query: 'query { viewer { login } }' }),
        });
        return ((await response.json()) as { data: { viewer: { login: string } } }).data.viewer.login;
      };
      expect(await viewer('mallory-token')).toBe('mallory');
      expect(await viewer('any-other-token')).toBe('github-actions[bot]');
      const post = await fetch(`${fake.url}/repos/o/r/issues/1/comments`, {
        method: 'POST',
        headers: as('mallory-token'),
        body: JSON.stringify({ body: 'hello' }),
      });
      const created = (await post.json()) as { id: number; user: { login: string; type: string } };
      expect(created.user).toMatchObject({ login: 'mallory', type: 'User' });
      const edit = (token: string) =>
        fetch(`${fake.url}/repos/o/r/issues/comments/${created.id}`, {
          method: 'PATCH',
          headers: as(token),
          body: JSON.stringify({ body: 'edited' }),
        });
      expect((await edit('test-token')).status).toBe(403);
      expect((await edit('mallory-token')).status).toBe(200);
    } finally {
      await fake.close();
    }
  });
});
