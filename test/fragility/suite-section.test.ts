import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { PERTURBATION_FAMILIES } from '../../src/suite/fragility-families.js';
import { loadSuites } from '../../src/suite/load.js';
import { minimal } from '../suite/minimal-suite.js';

const prompted = `  p:
    role: prompted
    provider: local
    model: m
    system: Answer with one word.`;

async function load(extra: string, files: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-fragility-'));
  await writeFile(path.join(dir, 'suite.yaml'), minimal(prompted, extra));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
  return {
    dir,
    suite: result.suites[0],
    problems: result.problems.map(formatProblem),
    warnings: result.warnings.map(formatProblem),
  };
}

describe('the fragility section', () => {
  it('is absent unless asked for; true means the defaults; decision.max_flip_rate defaults to 0.05', async () => {
    const absent = await load('');
    expect(absent.suite?.fragility).toBeUndefined();
    expect(absent.suite?.decision.max_flip_rate).toBe(0.05);
    expect((await load('fragility: false')).suite?.fragility).toBeUndefined();
    expect((await load('fragility: true')).suite?.fragility).toEqual({
      sample: 100,
      seed: 1,
      perturbations: [...PERTURBATION_FAMILIES],
      per_case: 3,
      repeats: 0,
    });
  });

  it('takes options and reads the rewordings file when it exists', async () => {
    const { suite, dir, problems } = await load(
      'fragility: { sample: 20, seed: 4, perturbations: [typos, instruction], per_case: 2, repeats: 1, instructions: file://rewordings.yaml }\ndecision: { max_flip_rate: 0.1 }',
      { 'rewordings.yaml': '- Reply in one word.\n- One word, please.\n' },
    );
    expect(problems).toEqual([]);
    expect(suite?.fragility).toEqual({
      sample: 20,
      seed: 4,
      perturbations: ['typos', 'instruction'],
      per_case: 2,
      repeats: 1,
      instructions: path.join(dir, 'rewordings.yaml'),
      instruction_variants: ['Reply in one word.', 'One word, please.'],
    });
    expect(suite?.decision.max_flip_rate).toBe(0.1);
    expect(suite?.sources).toContain(path.join(dir, 'rewordings.yaml'));
  });

  it('accepts a rewordings file that does not exist yet (the teacher writes it)', async () => {
    const { suite, dir, problems } = await load('fragility: { instructions: file://later.yaml }');
    expect(problems).toEqual([]);
    expect(suite?.fragility?.instructions).toBe(path.join(dir, 'later.yaml'));
    expect(suite?.fragility?.instruction_variants).toBeUndefined();
  });

  it('locates mistakes: an unknown family with a suggestion, a bad number, a broken rewordings file', async () => {
    const unknown = await load('fragility:\n  perturbations: [typos, tpyos]\n  per_case: 0');
    expect(unknown.problems).toEqual([
      'suite.yaml:15:26 fragility.perturbations[1]: must be one of typos, case, whitespace, punctuation, filler, instruction, examples_order, label_order (got "tpyos") (did you mean "typos"?)',
      'suite.yaml:16:13 fragility.per_case: must be >= 1 (got 0)',
    ]);
    const broken = await load('fragility: { instructions: file://r.json }', { 'r.json': '["ok",\n 3]' });
    expect(broken.problems).toEqual(['r.json:1:1 must be a JSON array of strings, one rewording each']);
    expect((await load('decision: { max_flip_rate: 2 }')).problems).toEqual([
      'suite.yaml:14:28 decision.max_flip_rate: must be <= 1 (got 2)',
    ]);
  });

  it('warns about listed families the suite cannot perturb, and an unused rewordings file', async () => {
    const { problems, warnings, suite } = await load(
      'fragility:\n  perturbations: [typos, examples_order, label_order]\n  instructions: file://r.yaml',
    );
    expect(problems).toEqual([]);
    expect(suite?.fragility?.perturbations).toEqual(['typos', 'examples_order', 'label_order']);
    expect(warnings).toEqual([
      'suite.yaml:15:26 fragility.perturbations[1]: no variant has two few-shot examples to examples_order; it is skipped',
      'suite.yaml:15:42 fragility.perturbations[2]: the task lists no labels (task.labels) to label_order; it is skipped',
      'suite.yaml:16:17 fragility.instructions: is unused: perturbations does not list instruction',
    ]);
    expect((await load('fragility: true')).warnings).toEqual([]);
  });
});
