import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { appendLineChange } from '../../src/training/file-change.js';
import { applyPromotion, type PromotionRecord, recordPromotion } from '../../src/training/promote.js';
import { promotionBranch } from '../../src/training/promote-pr.js';
import { type FakeRepo, startFakeRepo } from './fake-git-data.js';

const exec = promisify(execFile);
const REGISTRY = '# served models\nmodels:\n  router: gpt-4.1 # prompted\n';
const MODEL = 'ft:gpt-4.1-nano-2025-04-14:acme:router:abc';
const EXPECTED_DIFF = [
  '--- a/config/models.yaml',
  '+++ b/config/models.yaml',
  '@@ -1,3 +1,3 @@',
  ' # served models',
  ' models:',
  '-  router: gpt-4.1 # prompted',
  `+  router: ${MODEL} # prompted`,
  '',
].join('\n');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tunegate-promote-'));
  await mkdir(path.join(dir, 'config'));
  await writeFile(path.join(dir, 'config', 'models.yaml'), REGISTRY);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function git(...args: string[]) {
  return (await exec('git', args, { cwd: dir })).stdout.trim();
}

const base = {
  registryFile: 'config/models.yaml',
  key: 'models.router',
  model: MODEL,
  message: `Promote ${MODEL} to models.router\n\nEvidence in the pull request.`,
  evidence: '## Promotion\n\naccuracy 91.0% vs 90.0%',
  env: process.env,
};

describe('applyPromotion dry-run', () => {
  it('returns the diff and writes nothing', async () => {
    const before = await stat(path.join(dir, 'config', 'models.yaml'));
    const result = await applyPromotion({ ...base, mode: 'dry-run', repoDir: dir });
    expect(result).toEqual({ mode: 'dry-run', changed: true, diff: EXPECTED_DIFF, before: 'gpt-4.1' });
    expect(await readFile(path.join(dir, 'config', 'models.yaml'), 'utf8')).toBe(REGISTRY);
    expect((await stat(path.join(dir, 'config', 'models.yaml'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('reports no change when the registry already serves the model', async () => {
    const result = await applyPromotion({ ...base, model: 'gpt-4.1', mode: 'dry-run', repoDir: dir });
    expect(result).toEqual({ mode: 'dry-run', changed: false, diff: '', before: 'gpt-4.1' });
  });

  it('refuses a registry outside the repository', async () => {
    await expect(
      applyPromotion({ ...base, registryFile: '../elsewhere.yaml', mode: 'dry-run', repoDir: dir }),
    ).rejects.toThrow(/lies outside the repository/);
  });
});

describe('applyPromotion commit', () => {
  it('writes the registry and commits only it, as tunegate', async () => {
    await git('init', '--quiet', '--initial-branch=main');
    await git('-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'add', '.');
    await git('-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'initial');
    // Someone else's staged work must stay out of the promotion commit.
    await writeFile(path.join(dir, 'notes.txt'), 'work in progress\n');
    await git('add', 'notes.txt');

    const result = await applyPromotion({ ...base, mode: 'commit', repoDir: dir });

    expect(result.changed).toBe(true);
    expect(result.diff).toBe(EXPECTED_DIFF);
    expect(result.commit).toBe(await git('rev-parse', 'HEAD'));
    expect(await git('show', '--name-only', '--format=%an <%ae>%n%s', 'HEAD')).toBe(
      `tunegate <tunegate@users.noreply.github.com>\nPromote ${MODEL} to models.router\n\nconfig/models.yaml`,
    );
    expect(await readFile(path.join(dir, 'config', 'models.yaml'), 'utf8')).toBe(
      REGISTRY.replace('gpt-4.1 #', `${MODEL} #`),
    );
    expect(await git('diff', '--cached', '--name-only')).toBe('notes.txt');
  });

  it('makes no commit when nothing changes', async () => {
    await git('init', '--quiet', '--initial-branch=main');
    await git('-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'add', '.');
    await git('-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'initial');
    const head = await git('rev-parse', 'HEAD');
    const result = await applyPromotion({ ...base, model: 'gpt-4.1', mode: 'commit', repoDir: dir });
    expect(result).toMatchObject({ changed: false, diff: '' });
    expect(result.commit).toBeUndefined();
    expect(await git('rev-parse', 'HEAD')).toBe(head);
  });

  it('explains a failed commit outside a git repository', async () => {
    const error = (await applyPromotion({ ...base, mode: 'commit', repoDir: dir }).catch(
      (caught: unknown) => caught,
    )) as TunegateError;
    expect(error).toBeInstanceOf(TunegateError);
    expect(error.code).toBe('git');
    expect(error.message).toMatch(/is not inside a git repository: fatal: not a git repository/);
    expect(await readFile(path.join(dir, 'config', 'models.yaml'), 'utf8')).toBe(REGISTRY);
  });
});

describe('applyPromotion pull-request', () => {
  let fake: FakeRepo;
  beforeEach(async () => {
    fake = await startFakeRepo('acme', 'app', { 'config/models.yaml': REGISTRY });
  });
  afterEach(async () => {
    await fake.close();
  });

  function options() {
    return {
      ...base,
      mode: 'pull-request' as const,
      repoDir: dir,
      github: { apiUrl: fake.url, token: 'gh-token', owner: 'acme', repo: 'app', base: 'main' },
    };
  }

  it('creates the branch, updates the file there and opens the pull request with the evidence', async () => {
    const branch = promotionBranch('models.router', MODEL);
    expect(branch).toMatch(/^tunegate\/promote-models\.router-[0-9a-f]{8}$/);

    const result = await applyPromotion(options());

    const main = fake.branches.get('main');
    const promoted = fake.branches.get(branch);
    expect(result).toEqual({
      mode: 'pull-request',
      changed: true,
      diff: EXPECTED_DIFF,
      before: 'gpt-4.1',
      branch,
      commit: promoted?.sha,
      companions: [],
      pullRequestUrl: 'https://github.com/acme/app/pull/1',
    });
    expect(promoted?.files.get('config/models.yaml')).toBe(REGISTRY.replace('gpt-4.1 #', `${MODEL} #`));
    expect(main?.files.get('config/models.yaml')).toBe(REGISTRY);
    expect(fake.pulls).toEqual([
      expect.objectContaining({
        title: `Promote ${MODEL} to models.router`,
        head: branch,
        base: 'main',
        body: base.evidence,
      }),
    ]);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/acme/app/git/ref/heads/main',
      'GET /repos/acme/app/contents/config/models.yaml?ref=main',
      `GET /repos/acme/app/git/ref/heads/${encodeURIComponent(branch)}`,
      `GET /repos/acme/app/git/commits/${main?.sha}`,
      'POST /repos/acme/app/git/trees',
      'POST /repos/acme/app/git/commits',
      'POST /repos/acme/app/git/refs',
      'POST /repos/acme/app/pulls',
    ]);
    expect(fake.requests.every((request) => request.authorization === 'Bearer gh-token')).toBe(true);
    expect(fake.requests[5]?.body).toMatchObject({ message: base.message, parents: [main?.sha] });
    expect(fake.requests[6]?.body).toEqual({ ref: `refs/heads/${branch}`, sha: promoted?.sha });
    // Nothing local is touched.
    expect(await readFile(path.join(dir, 'config', 'models.yaml'), 'utf8')).toBe(REGISTRY);
  });

  it('puts the registry and its companions in one commit on the branch, the ledger line after the existing lines', async () => {
    fake.branches.get('main')?.files.set('config/promotions.jsonl', '{"earlier":true}\n');
    const mainSha = fake.branches.get('main')?.sha;
    const line = JSON.stringify({ decision: 'promote', candidate: MODEL });
    const companions = (pending: { branch?: string }) => [
      appendLineChange(
        path.join(dir, 'config', 'promotions.jsonl'),
        `${line.slice(0, -1)},"branch":"${pending.branch}"}`,
      ),
      { file: 'history/runs.jsonl', update: (current: string | undefined) => `${current ?? ''}{"run":1}\n` },
      { file: path.join(dir, '..', 'outside.jsonl'), update: () => 'local only\n' },
    ];
    const result = await applyPromotion({ ...options(), companions });
    const commit = fake.commits.get(result.commit ?? '');
    expect(commit?.parents).toEqual([mainSha]);
    expect(commit?.files.get('config/models.yaml')).toBe(REGISTRY.replace('gpt-4.1 #', `${MODEL} #`));
    expect(commit?.files.get('config/promotions.jsonl')).toBe(
      `{"earlier":true}\n${line.slice(0, -1)},"branch":"${result.branch}"}\n`,
    );
    expect(commit?.files.get('history/runs.jsonl')).toBe('{"run":1}\n');
    expect(result.companions).toEqual(['config/promotions.jsonl', 'history/runs.jsonl']);
    expect(fake.branches.get(result.branch ?? '')?.sha).toBe(result.commit);
    expect(fake.branches.get('main')?.files.get('config/promotions.jsonl')).toBe('{"earlier":true}\n');
    // A file outside the repository cannot travel with the pull request: it is written locally.
    expect(await readFile(path.join(dir, '..', 'outside.jsonl'), 'utf8')).toBe('local only\n');
    await rm(path.join(dir, '..', 'outside.jsonl'));
    expect(fake.requests.filter((request) => request.path.endsWith('/git/commits'))).toHaveLength(1);
    // A re-run finds the change on the branch: nothing is committed or recorded twice.
    const again = await applyPromotion({ ...options(), companions });
    expect(again.commit).toBeUndefined();
    expect(fake.branches.get(result.branch ?? '')?.sha).toBe(result.commit);
    expect(fake.requests.filter((request) => request.path.endsWith('/git/commits'))).toHaveLength(1);
    expect(fake.pulls).toHaveLength(1);
  });

  it('moves an outdated promotion branch to a fresh commit on the base', async () => {
    const branch = promotionBranch('models.router', MODEL);
    const mainSha = fake.branches.get('main')?.sha ?? '';
    fake.commits.set('0'.repeat(40), {
      sha: '0'.repeat(40),
      tree: 'stale',
      parents: [mainSha],
      message: 'stale',
      files: new Map([['config/models.yaml', 'models:\n  router: something-else\n']]),
    });
    fake.branches.set(branch, { sha: '0'.repeat(40), files: fake.commits.get('0'.repeat(40))?.files ?? new Map() });
    const result = await applyPromotion(options());
    expect(fake.commits.get(result.commit ?? '')?.parents).toEqual([mainSha]);
    expect(fake.branches.get(branch)?.sha).toBe(result.commit);
    expect(fake.requests.find((request) => request.method === 'PATCH')?.body).toEqual({
      sha: result.commit,
      force: true,
    });
  });

  it('reuses the branch and the open pull request on a re-run', async () => {
    const first = await applyPromotion(options());
    const again = await applyPromotion(options());
    expect(again.pullRequestUrl).toBe(first.pullRequestUrl);
    expect(again.commit).toBeUndefined();
    expect(fake.pulls).toHaveLength(1);
    expect(fake.requests.filter((request) => request.path.endsWith('/git/commits'))).toHaveLength(1);
  });

  it('opens nothing when the base branch already serves the model', async () => {
    const result = await applyPromotion({ ...options(), model: 'gpt-4.1' });
    expect(result).toEqual({ mode: 'pull-request', changed: false, diff: '', before: 'gpt-4.1' });
    expect(fake.branches.size).toBe(1);
    expect(fake.pulls).toHaveLength(0);
  });

  it('says which permissions the token needs on a 403', async () => {
    fake.failWith = 403;
    const error = (await applyPromotion(options()).catch((caught: unknown) => caught)) as TunegateError;
    expect(error.code).toBe('promote');
    expect(error.message).toContain(
      'could not read the branch main in acme/app (403: Resource not accessible by integration)',
    );
    expect(error.message).toContain('contents: write and pull-requests: write');
    expect(error.message).not.toContain('gh-token');
  });

  it('needs the GitHub settings', async () => {
    await expect(applyPromotion({ ...base, mode: 'pull-request', repoDir: dir })).rejects.toThrow(
      /needs the GitHub repository, base branch and a token/,
    );
  });
});

describe('recordPromotion', () => {
  it('appends one JSON line per decision', async () => {
    const file = path.join(dir, '.tunegate', 'promotions.jsonl');
    const refusal: PromotionRecord = {
      at: '2026-01-01T00:00:00.000Z',
      suite: 'intents',
      candidate: 'ft:a',
      champion: 'gpt-4.1',
      decision: 'refuse',
      reasons: ['accuracy 81.2% is below the minimum 85.0%'],
      numbers: { candidate_accuracy: 0.812 },
    };
    await recordPromotion(file, refusal);
    await recordPromotion(file, { ...refusal, candidate: 'ft:b', decision: 'promote', reasons: ['ok'] });
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([refusal, { ...refusal, candidate: 'ft:b', decision: 'promote', reasons: ['ok'] }]);
  });
});
