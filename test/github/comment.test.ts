import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { commentMarker, fitCommentBody, upsertStickyComment } from '../../src/github/comment.js';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './fake-github.js';

const POINTER = '… truncated: the full report is in the job summary and the tunegate-results artifact';
const MARKER = commentMarker('ci', 'pr');

function details(title: string, rows: number, rowText = 'x'.repeat(40)): string {
  const table = Array.from({ length: rows }, (_, i) => `| ${i} | ${rowText} |`);
  return [`<details><summary>${title}</summary>`, '', '| # | case |', '|---|---|', ...table, '', '</details>', ''].join(
    '\n',
  );
}

/** Every `<details>` closed and no code fence left open (``` lines toggle). */
function expectBalanced(body: string) {
  expect(body.match(/<details[\s>]/g)?.length ?? 0).toBe(body.match(/<\/details>/g)?.length ?? 0);
  expect(body.split('\n').filter((line) => /^`{3,}/.test(line)).length % 2).toBe(0);
}

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

describe('fitCommentBody', () => {
  it('keeps a short body as it is, the marker on the first line', () => {
    const markdown = '## tunegate\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
    expect(fitCommentBody(markdown, MARKER, { pointer: POINTER })).toBe(`${MARKER}\n${markdown}`);
  });

  it('drops whole trailing <details> sections first, the last one first', () => {
    const verdict = '## Verdict: ship it\n\n| variant | accuracy |\n|---|---|\n| small | 0.91 |\n';
    const markdown = [verdict, details('first', 20), details('second', 20), details('third', 20)].join('\n');
    const limit = `${MARKER}\n${markdown}`.length - 500;
    const body = fitCommentBody(markdown, MARKER, { pointer: POINTER, limit });
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(body).toContain('first');
    expect(body).toContain('second');
    expect(body).not.toContain('third');
    expect(body.endsWith(`\n\n${POINTER}`)).toBe(true);
    expect(body).toContain(`| 19 | ${'x'.repeat(40)} |`);
    expectBalanced(body);
  });

  it('keeps the text between and after the sections it drops', () => {
    const markdown = ['## suite one', details('one', 40), '## suite two', details('two', 40), 'footer'].join('\n');
    const limit = `${MARKER}\n${markdown}`.length - 2_500;
    const body = fitCommentBody(markdown, MARKER, { pointer: POINTER, limit });
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body).toBe(`${MARKER}\n## suite one\n## suite two\nfooter\n\n${POINTER}`);
  });

  it('cuts at a line boundary and closes the <details> it cut through when dropping sections is not enough', () => {
    const longTable = Array.from({ length: 1_000 }, (_, i) => `| row ${i} | ${'w'.repeat(40)} |`).join('\n');
    const markdown = `## Verdict\n\n${details('huge', 5_000)}\n${longTable}`;
    const body = fitCommentBody(markdown, MARKER, { pointer: POINTER, limit: 10_000 });
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body.length).toBeGreaterThan(9_900);
    expect(body).toMatch(/\| x{40} \|\n\n<\/details>\n\n… truncated/);
    for (const line of body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| #'))) {
      expect(line).toMatch(/^\| \d+ \| x{40} \|$/);
    }
    expect(body).not.toContain('row');
    expectBalanced(body);
  });

  it('closes a code fence it cut through, before the </details> around it', () => {
    const code = Array.from({ length: 2_000 }, (_, i) => `line ${i} ${'y'.repeat(30)}`);
    const markdown = [
      'intro',
      '<details><summary>raw</summary>',
      '',
      '````text',
      ...code,
      '````',
      '</details>',
      'f'.repeat(6_000),
    ];
    const body = fitCommentBody(markdown.join('\n'), MARKER, { pointer: POINTER, limit: 5_000 });
    expect(body.length).toBeLessThanOrEqual(5_000);
    expect(body).toMatch(/y{30}\n````\n\n<\/details>\n\n… truncated/);
    expect(body.split('\n').filter((line) => line === '````')).toHaveLength(1);
    expect(body.match(/<\/details>/g)).toHaveLength(1);
  });

  it('ignores <details> written inside a code block when counting what to close', () => {
    const code = Array.from({ length: 500 }, (_, i) => `<details> ${i} ${'z'.repeat(30)}`);
    const markdown = ['```', ...code, '```'].join('\n');
    const body = fitCommentBody(markdown, MARKER, { pointer: POINTER, limit: 3_000 });
    expect(body.length).toBeLessThanOrEqual(3_000);
    expect(body).not.toContain('</details>');
    expect(body).toMatch(/z{30}\n```\n\n… truncated/);
  });

  it('stays within the limit for every limit, even when a single line is too long', () => {
    const markdown = [
      'short',
      'a'.repeat(3_000),
      details('one', 30),
      '```',
      'code',
      '<details><summary>open</summary>',
      'b'.repeat(400),
    ].join('\n');
    for (let limit = 200; limit < markdown.length + 200; limit += 97) {
      const body = fitCommentBody(markdown, MARKER, { pointer: POINTER, limit });
      expect(body.length).toBeLessThanOrEqual(limit);
      expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    }
    expect(() => fitCommentBody(markdown, MARKER, { pointer: POINTER, limit: 50 })).toThrow(RangeError);
  });

  it('defaults to GitHub’s 65,536-character limit', () => {
    const markdown = Array.from({ length: 3_000 }, (_, i) => `| ${i} | ${'v'.repeat(30)} |`).join('\n');
    const body = fitCommentBody(markdown, MARKER, { pointer: POINTER });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(65_000);
    expect(body.endsWith(`|\n\n${POINTER}`)).toBe(true);
  });
});

describe('upsertStickyComment', () => {
  const target = { owner: 'acme', repo: 'intents', issue_number: 7 };
  const fakes: FakeGitHub[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });

  async function start(options?: FakeGitHubOptions) {
    const fake = await startFakeGitHub(options);
    fakes.push(fake);
    return { fake, octokit: getOctokit('test-token', { baseUrl: fake.url }) };
  }

  function seed(fake: FakeGitHub, id: number, body: string, issue_number = target.issue_number, login = 'someone') {
    fake.comments.set(id, { id, issue_number, body, user: { login } });
  }

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
    expect(fake.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /repos/acme/intents/issues/7/comments',
      'POST /repos/acme/intents/issues/7/comments',
      'GET /repos/acme/intents/issues/7/comments',
      `PATCH /repos/acme/intents/issues/comments/${created.id}`,
    ]);
  });

  it('leaves other tools’ comments, other keys and other pull requests alone', async () => {
    const { fake, octokit } = await start();
    seed(fake, 1, '<!-- other-tool:ci:pr -->\nreport');
    seed(fake, 2, `${commentMarker('ci', 'pr-2')}\nanother suite`);
    seed(fake, 3, `${MARKER}\non another pull request`, 8);
    seed(fake, 4, `${commentMarker('nightly', 'pr')}\nanother workflow`);

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
    seed(fake, 251, `${MARKER}\nolder duplicate`);
    seed(fake, 252, `${MARKER}\nlatest`);

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

  it('says which permissions block to add when GitHub answers 403', async () => {
    const { fake, octokit } = await start({ failComments: 403 });
    const error = await upsertStickyComment(octokit, target, MARKER, 'body').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('comment-permission');
    expect((error as TunegateError).message).toContain(
      'the token cannot comment on this pull request; add to the workflow:\n  permissions:\n    pull-requests: write',
    );
    expect((error as TunegateError).message).toContain('forks get a read-only token');
    expect(fake.comments.size).toBe(0);
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
});
