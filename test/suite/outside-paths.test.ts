import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import type { OutsidePaths } from '../../src/suite/workspace.js';

/**
 * A repository (`repo/`, with `.git`) holding `evals/suite.yaml` and `data/`, next to a folder
 * outside it (`outside/`). Each row writes one suite and expects one problem, or none.
 */
let base: string;
let repo: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'tunegate-outside-')));
  repo = path.join(base, 'repo');
  outside = path.join(base, 'outside');
  for (const dir of [path.join(repo, '.git'), path.join(repo, 'evals'), path.join(repo, 'data'), outside]) {
    await mkdir(dir, { recursive: true });
  }
  const files: Record<string, string> = {
    'outside/data.jsonl': '{"input":"a","expected":"b"}\n',
    'outside/prompt.md': 'secret prompt\n',
    'outside/examples.jsonl': '{"input":"a","output":"b"}\n',
    'outside/labels.txt': 'b\n',
    'outside/scorer.js': 'export default () => ({ score: 1 });\n',
    'repo/data/data.jsonl': '{"input":"a","expected":"b"}\n',
    'repo/data/prompt.md': 'inside prompt\n',
  };
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(base, file), text);
  await symlink(path.join(outside, 'labels.txt'), path.join(repo, 'data', 'labels-link.txt'));
  await symlink(path.join(repo, 'data', 'prompt.md'), path.join(repo, 'evals', 'prompt-link.md'));
  await symlink(outside, path.join(repo, 'data', 'outside-dir'));
});

interface SuiteParts {
  dataset?: string;
  task?: string;
  variant?: string;
  extra?: string;
}

function suite(parts: SuiteParts): string {
  return `name: outside
dataset: { ${parts.dataset ?? 'path: ../data/data.jsonl'} }
task: { ${parts.task ?? 'kind: generation'} }
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  v: { role: prompted, provider: local, model: m${parts.variant ? `, ${parts.variant}` : ''} }
${parts.extra ?? ''}`;
}

async function load(yaml: string, outsidePaths?: OutsidePaths): Promise<string[]> {
  const file = path.join(repo, 'evals', `suite-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml.replaceAll('OUTSIDE', outside));
  const options = outsidePaths === undefined ? {} : { outsidePaths };
  const { problems } = await loadSuites([file], { cwd: repo, env: {}, ...options });
  return problems.map((p) => formatProblem(p).replace(file, 'suite.yaml').replaceAll(base, 'BASE'));
}

interface Refusal {
  /** Where the problem points: the first occurrence of this text in the suite. */
  at: string;
  key: string;
  target: string;
}

const ALLOW_HINT = 'move it inside or set allow_outside_paths: true';
const NEVER_HINT =
  'this run refuses paths outside the repository even with allow_outside_paths: true (an untrusted event); move it inside';

/** `suite.yaml:line:col key: message` for each refusal, located by searching the suite's text. */
function expected(yaml: string, refusals: Refusal[], hint: string): string[] {
  return refusals.map(({ at, key, target }) => {
    const written = yaml.replaceAll('OUTSIDE', outside);
    const before = written.slice(0, written.indexOf(at.replace('OUTSIDE', outside))).split('\n');
    const where = `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
    const shown = target.replace('OUTSIDE', 'BASE/outside');
    return `suite.yaml:${where} ${key}: resolves to ${shown}, outside the repository (BASE/repo); ${hint}`;
  });
}

describe('paths outside the repository are refused', () => {
  const rows: { name: string; parts: SuiteParts; refusals: Refusal[] }[] = [
    {
      name: 'an absolute dataset path',
      parts: { dataset: 'path: OUTSIDE/data.jsonl' },
      refusals: [{ at: 'OUTSIDE/data', key: 'dataset.path', target: 'OUTSIDE/data.jsonl' }],
    },
    {
      name: 'a file:///etc/passwd system prompt',
      parts: { variant: 'system: file:///etc/passwd' },
      refusals: [{ at: 'file:///etc', key: 'variants.v.system', target: '/etc/passwd' }],
    },
    {
      name: 'a ../ escape in file:// examples',
      parts: { variant: 'examples: file://../../outside/examples.jsonl' },
      refusals: [{ at: 'file://../../', key: 'variants.v.examples', target: 'OUTSIDE/examples.jsonl' }],
    },
    {
      name: 'an in-repo symlink to a file outside',
      parts: { task: 'kind: classification, labels: file://../data/labels-link.txt' },
      refusals: [{ at: 'file://../data/labels', key: 'task.labels', target: 'OUTSIDE/labels.txt' }],
    },
    {
      name: 'a path through an in-repo symlinked directory',
      parts: { dataset: 'path: ../data/outside-dir/data.jsonl' },
      refusals: [{ at: '../data/outside-dir', key: 'dataset.path', target: 'OUTSIDE/data.jsonl' }],
    },
    {
      name: 'a custom scorer module outside',
      parts: { extra: 'scoring: [{ custom: { module: ../../outside/scorer.js } }]' },
      refusals: [{ at: '../../outside/scorer', key: 'scoring[0].custom.module', target: 'OUTSIDE/scorer.js' }],
    },
    {
      name: 'training logs and a registry outside',
      parts: {
        extra: 'training: { sources: [{ logs: OUTSIDE/data.jsonl }], registry: { file: ../../models.yaml, key: m } }',
      },
      refusals: [
        { at: 'OUTSIDE/data', key: 'training.sources[0].logs', target: 'OUTSIDE/data.jsonl' },
        { at: '../../models', key: 'training.registry.file', target: 'BASE/models.yaml' },
      ],
    },
  ];

  it.each(rows)('$name', async ({ parts, refusals }) => {
    const yaml = suite(parts);
    expect(await load(yaml)).toEqual(expected(yaml, refusals, ALLOW_HINT));
  });

  it.each(rows)('$name: allowed with allow_outside_paths: true', async ({ parts }) => {
    expect(await load(`allow_outside_paths: true\n${suite(parts)}`)).toEqual([]);
  });

  it.each(rows)('$name: refused with outsidePaths "never" despite allow_outside_paths', async ({ parts, refusals }) => {
    const yaml = `allow_outside_paths: true\n${suite(parts)}`;
    expect(await load(yaml, 'never')).toEqual(expected(yaml, refusals, NEVER_HINT));
  });
});

describe('paths inside the repository are read', () => {
  it('accepts ../ within the repository and symlinks that stay inside', async () => {
    const yaml = suite({ variant: 'system: file://prompt-link.md', dataset: 'path: ../data/../data/data.jsonl' });
    expect(await load(yaml)).toEqual([]);
    expect(await load(yaml, 'never')).toEqual([]);
  });

  it("takes the suite file's directory as the repository when no .git is above it", async () => {
    const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'tunegate-norepo-')));
    await mkdir(path.join(dir, 'evals', 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data.jsonl'), '{"input":"a","expected":"b"}\n');
    await writeFile(path.join(dir, 'evals', 'data', 'data.jsonl'), '{"input":"a","expected":"b"}\n');
    await writeFile(path.join(dir, 'evals', 'up.yaml'), suite({ dataset: 'path: ../data.jsonl' }));
    await writeFile(
      path.join(dir, 'evals', 'in.yaml'),
      suite({ dataset: 'path: data/data.jsonl' }).replace('outside', 'in'),
    );
    const { problems, suites } = await loadSuites(['evals/up.yaml', 'evals/in.yaml'], { cwd: dir, env: {} });
    expect(problems.map(formatProblem)).toEqual([
      `evals/up.yaml:2:18 dataset.path: resolves to ${dir}/data.jsonl, outside the repository (${dir}/evals); move it inside or set allow_outside_paths: true`,
    ]);
    expect(suites.map((s) => s.name)).toEqual(['in']);
  });
});
