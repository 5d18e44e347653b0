import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import {
  HISTORY_SIZE_LIMIT_BYTES,
  readHistoryBranch,
  saveToHistoryBranch,
  writeHistoryBranch,
} from '../../src/github/history-branch.js';
import { fakeGitHubPerTest } from './fake-github.js';

const target = { owner: 'acme', repo: 'intents', branch: 'tunegate-history' };
const start = fakeGitHubPerTest();

/** An update that appends one line to whatever history the branch holds. */
const append = (line: string) => (current: { history: string | undefined }) => ({
  history: `${current.history ?? ''}${line}\n`,
  dashboard: `<html>${line}</html>`,
});

async function failure(promise: Promise<unknown>): Promise<TunegateError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TunegateError);
  return error as TunegateError;
}

describe('the history branch', () => {
  it('creates the branch as an orphan holding only its files, then adds a commit per run', async () => {
    const { fake, client } = await start();
    const first = await saveToHistoryBranch(client, target, append('night 1'), 'tunegate: night 1');
    expect(first).toMatchObject({ folder: '', created: true, notes: [] });
    expect(Object.fromEntries(fake.git.branchFiles(target.branch) ?? [])).toEqual({
      'history.jsonl': 'night 1\n',
      'index.html': '<html>night 1</html>',
    });
    expect(fake.git.log(target.branch)).toEqual(['tunegate: night 1']);

    const second = await saveToHistoryBranch(client, target, append('night 2'), 'tunegate: night 2');
    expect(second.created).toBe(false);
    expect(fake.git.branchFiles(target.branch)?.get('history.jsonl')).toBe('night 1\nnight 2\n');
    expect(fake.git.log(target.branch)).toEqual(['tunegate: night 2', 'tunegate: night 1']);
  });

  it('reads a history larger than the contents API answers inline, byte for byte', async () => {
    const { fake, client } = await start();
    const history = `${'{"kind":"run","suite":"é"}\n'.repeat(60_000)}`;
    fake.git.seedBranch(target.branch, { 'history.jsonl': history, 'index.html': '<html></html>' });
    const snapshot = await readHistoryBranch(client, target);
    expect(snapshot.history).toBe(history);
    expect(Buffer.byteLength(history)).toBeGreaterThan(1024 * 1024);
  });

  it('keeps to a tunegate/ folder on a branch that holds other files, and changes none of them', async () => {
    const { fake, client } = await start();
    const site = { 'index.html': '<h1>our site</h1>', 'css/site.css': 'body{}', 'README.md': 'docs' };
    fake.git.seedBranch(target.branch, site, 'the site');
    const saved = await saveToHistoryBranch(client, target, append('night 1'), 'tunegate: night 1');
    expect(saved.folder).toBe('tunegate/');
    expect(saved.notes.join()).toMatch(/holds other files; tunegate keeps its history in tunegate\/ there/);
    expect(Object.fromEntries(fake.git.branchFiles(target.branch) ?? [])).toEqual({
      ...site,
      'tunegate/history.jsonl': 'night 1\n',
      'tunegate/index.html': '<html>night 1</html>',
    });
    await saveToHistoryBranch(client, target, append('night 2'), 'tunegate: night 2');
    expect(fake.git.branchFiles(target.branch)?.get('tunegate/history.jsonl')).toBe('night 1\nnight 2\n');
    expect(fake.git.branchFiles(target.branch)?.get('index.html')).toBe(site['index.html']);
  });

  it('takes a branch holding only a page called index.html for someone else’s site', async () => {
    const { fake, client } = await start();
    fake.git.seedBranch(target.branch, { 'index.html': '<h1>our site</h1>' });
    const saved = await saveToHistoryBranch(client, target, append('night 1'), 'tunegate: night 1');
    expect(saved.folder).toBe('tunegate/');
    expect(fake.git.branchFiles(target.branch)?.get('index.html')).toBe('<h1>our site</h1>');
  });

  it('refuses a tunegate/ folder it did not write, and writes nothing', async () => {
    const { fake, client } = await start();
    const head = fake.git.seedBranch(target.branch, { 'tunegate/notes.md': 'mine', 'other.txt': 'x' });
    const error = await failure(saveToHistoryBranch(client, target, append('night 1'), 'm'));
    expect(error.code).toBe('history-branch-foreign');
    expect(error.message).toMatch(
      /tunegate\/ folder with files tunegate did not write \(notes\.md\).*history: branch:NAME/,
    );
    expect(fake.git.log(target.branch)).toEqual(['seed']);
    expect(fake.git.head(target.branch)).toBe(head);
  });

  it('says which permission to add when GitHub refuses the write (403)', async () => {
    const { fake, client } = await start({ failGit: 403 });
    const error = await failure(saveToHistoryBranch(client, target, append('night 1'), 'm'));
    expect(error.code).toBe('history-permission');
    expect(error.message).toContain('permissions:\n    contents: write');
    expect(error.message).toContain('GitHub answered 403 for acme/intents@tunegate-history: Resource not accessible');
    expect(fake.git.branchFiles(target.branch)).toBeUndefined();
  });

  it('says the same when the token cannot see the repository (404 on write)', async () => {
    const { client } = await start({ failGit: 404 });
    const error = await failure(saveToHistoryBranch(client, target, append('night 1'), 'm'));
    expect(error.code).toBe('history-permission');
    expect(error.message).toContain('contents: write');
  });

  it('redoes its update on top of a run that moved the branch meanwhile, losing neither', async () => {
    const { fake, client } = await start();
    fake.git.seedBranch(target.branch, { 'history.jsonl': 'night 1\n' });
    let raced = false;
    fake.git.beforeRefUpdate = (branch) => {
      if (raced) return;
      raced = true;
      fake.git.seedBranch(branch, { 'history.jsonl': 'night 1\nother run\n' }, 'the other run');
    };
    const seen: (string | undefined)[] = [];
    await saveToHistoryBranch(
      client,
      target,
      (current) => {
        seen.push(current.history);
        return append('night 2')(current);
      },
      'tunegate: night 2',
    );
    expect(seen).toEqual(['night 1\n', 'night 1\nother run\n']);
    expect(fake.git.branchFiles(target.branch)?.get('history.jsonl')).toBe('night 1\nother run\nnight 2\n');
    expect(fake.git.log(target.branch)).toEqual(['tunegate: night 2', 'the other run', 'seed']);
  });

  it('gives up with a clear message when the branch keeps moving', async () => {
    const { fake, client } = await start();
    fake.git.seedBranch(target.branch, { 'history.jsonl': '' });
    fake.git.beforeRefUpdate = (branch) => fake.git.seedBranch(branch, { 'history.jsonl': 'busy\n' }, 'busy');
    const error = await failure(saveToHistoryBranch(client, target, append('x'), 'm', 2));
    expect(error.code).toBe('history-branch-busy');
    expect(error.message).toMatch(/kept moving .* \(2 attempts\).*concurrency group/);
  });

  it('refuses a history above the size bound and says how to shrink it', async () => {
    const { fake, client } = await start();
    const snapshot = await readHistoryBranch(client, target);
    const history = 'x'.repeat(HISTORY_SIZE_LIMIT_BYTES + 1);
    const error = await failure(writeHistoryBranch(client, target, snapshot, { history }, 'm'));
    expect(error.code).toBe('history-size');
    expect(error.message).toMatch(/grow to 50\.0 MiB, above the 50\.0 MiB.*Lower history-keep/);
    expect(fake.git.branchFiles(target.branch)).toBeUndefined();
  });
});
