import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseSection, compareRuns, readOutcomes, suitesTouched } from '../../src/api/base-run.js';
import { suite, variant } from '../engine/helpers.js';

interface Line {
  suite: string;
  variant: string;
  case_id: string;
  correct: boolean;
}

async function writeCases(lines: Line[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-outcomes-'));
  const file = path.join(dir, 'cases.jsonl');
  const text = lines
    .map((line) => JSON.stringify({ ...line, input: 'q', output: 'x', error: null, index: 0 }))
    .join('\n');
  await writeFile(file, `${text}\n\n`);
  return file;
}

/** `right` of `n` cases (ids 0…n−1) correct, the first ones. */
function run(suiteName: string, variantName: string, n: number, right: (i: number) => boolean): Line[] {
  return Array.from({ length: n }, (_, i) => ({
    suite: suiteName,
    variant: variantName,
    case_id: String(i),
    correct: right(i),
  }));
}

describe('readOutcomes', () => {
  it('maps suite → variant → case id → correct', async () => {
    const file = await writeCases([
      { suite: 's', variant: 'a', case_id: '1', correct: true },
      { suite: 's', variant: 'a', case_id: '2', correct: false },
      { suite: 's', variant: 'b', case_id: '1', correct: false },
      { suite: 't', variant: 'a', case_id: 'x', correct: true },
    ]);
    const outcomes = await readOutcomes(file);
    expect([...outcomes.keys()]).toEqual(['s', 't']);
    expect([...(outcomes.get('s')?.get('a') ?? [])]).toEqual([
      ['1', true],
      ['2', false],
    ]);
    expect(outcomes.get('s')?.get('b')?.get('1')).toBe(false);
    expect(outcomes.get('t')?.get('a')?.get('x')).toBe(true);
  });

  it('leaves out cases whose call failed: they were not answered, so they pair with nothing', async () => {
    const file = await writeCases([{ suite: 's', variant: 'a', case_id: '1', correct: true }]);
    const failed = {
      suite: 's',
      variant: 'a',
      case_id: '2',
      input: 'q',
      correct: false,
      output: null,
      error: 'HTTP 500',
    };
    const notRun = {
      suite: 's',
      variant: 'a',
      case_id: '3',
      input: 'q',
      correct: false,
      output: null,
      error: 'not run: aborted',
    };
    await appendFile(file, `${JSON.stringify(failed)}\n${JSON.stringify(notRun)}\n`);
    const outcomes = await readOutcomes(file);
    expect([...(outcomes.get('s')?.get('a') ?? [])]).toEqual([['1', true]]);
  });
});

describe('suitesTouched', () => {
  it('names the suites that read a changed file', () => {
    const suites = [
      suite({ name: 'a', sources: ['/repo/evals/a.yaml', '/repo/evals/prompts/shared.md'] }),
      suite({ name: 'b', sources: ['/repo/evals/b.yaml', '/repo/data/b.jsonl'] }),
      suite({ name: 'c', sources: ['/repo/evals/c.yaml', '/repo/evals/prompts/shared.md'] }),
    ];
    expect(suitesTouched(suites, ['/repo/evals/prompts/shared.md', '/repo/README.md'])).toEqual(new Set(['a', 'c']));
    expect(suitesTouched(suites, ['/repo/data/b.jsonl'])).toEqual(new Set(['b']));
    expect(suitesTouched(suites, ['/repo/src/index.ts'])).toEqual(new Set());
  });
});

describe('compareRuns', () => {
  const suites = [
    suite({ name: 'worse', variants: [variant('prompted'), variant('finetuned'), variant('added')] }),
    suite({ name: 'fresh' }),
    suite({ name: 'untouched' }),
    suite({ name: 'renamed-away' }),
  ];

  it('compares each shared variant, and marks new and skipped suites', async () => {
    const head = await writeCases([
      ...run('worse', 'prompted', 200, (i) => i < 150),
      ...run('worse', 'finetuned', 200, (i) => i < 180),
      ...run('worse', 'added', 200, () => true),
      ...run('fresh', 'big', 10, () => true),
      ...run('renamed-away', 'big', 10, () => true),
    ]);
    const base = await writeCases([
      ...run('worse', 'prompted', 200, (i) => i < 190),
      ...run('worse', 'finetuned', 200, (i) => i < 180),
      ...run('worse', 'removed', 200, () => true),
    ]);
    const statuses = new Map<string, 'new' | 'skipped'>([
      ['fresh', 'new'],
      ['untouched', 'skipped'],
    ]);
    const compared = await compareRuns(head, base, suites, statuses);
    expect(compared.map((s) => [s.suite, s.status])).toEqual([
      ['worse', 'compared'],
      ['fresh', 'new'],
      ['untouched', 'skipped'],
      ['renamed-away', 'new'],
    ]);
    const [worse] = compared;
    expect(worse?.variants.map((v) => [v.variant, v.regression, v.counts.n10, v.counts.n01])).toEqual([
      ['prompted', true, 40, 0],
      ['finetuned', false, 0, 0],
    ]);
    expect(worse?.variants[0]?.n).toBe(200);

    const section = baseSection('main', 'abc', compared);
    expect(section).toEqual({ ref: 'main', sha: 'abc', suites: compared, regressions: 1 });
  });
});
