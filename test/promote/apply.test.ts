import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
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
      'POST /repos/acme/app/git/refs',
      `GET /repos/acme/app/contents/config/models.yaml?ref=${encodeURIComponent(branch)}`,
      'PUT /repos/acme/app/contents/config/models.yaml',
      'POST /repos/acme/app/pulls',
    ]);
    expect(fake.requests.every((request) => request.authorization === 'Bearer gh-token')).toBe(true);
    expect(fake.requests[2]?.body).toEqual({ ref: `refs/heads/${branch}`, sha: main?.sha });
    expect(fake.requests[4]?.body).toMatchObject({ branch, message: base.message });
    // Nothing local is touched.
    expect(await readFile(path.join(dir, 'config', 'models.yaml'), 'utf8')).toBe(REGISTRY);
  });

  it('adds the promotions ledger line on the pull request branch, after the existing lines', async () => {
    fake.branches.get('main')?.files.set('config/promotions.jsonl', '{"earlier":true}\n');
    const line = JSON.stringify({ decision: 'promote', candidate: MODEL });
    const ledgerLine = { file: path.join(dir, 'config', 'promotions.jsonl'), line };
    const result = await applyPromotion({ ...options(), ledgerLine });
    const promoted = fake.branches.get(result.branch ?? '');
    expect(promoted?.files.get('config/promotions.jsonl')).toBe(`{"earlier":true}\n${line}\n`);
    expect(fake.branches.get('main')?.files.get('config/promotions.jsonl')).toBe('{"earlier":true}\n');
    expect(fake.requests.filter((request) => request.method === 'PUT').map((request) => request.path)).toEqual([
      '/repos/acme/app/contents/config/models.yaml',
      '/repos/acme/app/contents/config/promotions.jsonl',
    ]);
    expect(fake.pulls).toHaveLength(1);
    // A re-run changes nothing on the branch, so it records nothing there twice.
    await applyPromotion({ ...options(), ledgerLine });
    expect(promoted?.files.get('config/promotions.jsonl')).toBe(`{"earlier":true}\n${line}\n`);
  });

  it('reuses the branch and the open pull request on a re-run', async () => {
    const first = await applyPromotion(options());
    const again = await applyPromotion(options());
    expect(again.pullRequestUrl).toBe(first.pullRequestUrl);
    expect(again.commit).toBeUndefined();
    expect(fake.pulls).toHaveLength(1);
    expect(fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
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
      'could not read the base branch in acme/app (403: Resource not accessible by integration)',
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
