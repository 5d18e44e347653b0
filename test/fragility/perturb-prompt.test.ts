import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { instructionRewordingPrompt, parseRewordings, rewordingRequestOf } from '../../src/fragility/instructions.js';
import { permuteExamples, permuteLabelList } from '../../src/fragility/perturb-prompt.js';
import { loadInstructionVariants, parseInstructionVariants } from '../../src/suite/instruction-variants.js';

const key = (index = 0) => ({ caseId: 'c1', seed: 3, index });
const evals = path.resolve(import.meta.dirname, '../../evals');

describe('permuteExamples', () => {
  const examples = Object.freeze(
    ['a', 'b', 'c', 'd', 'e'].map((input) => Object.freeze({ input, output: input.toUpperCase() })),
  );

  it('returns the same example objects in another order, deterministically', () => {
    const permuted = permuteExamples(examples, key()) as typeof examples;
    expect(permuted).not.toEqual(examples);
    expect([...permuted].sort((a, b) => a.input.localeCompare(b.input))).toEqual(examples);
    // Each input stays with its own output: the answers the examples teach are never touched.
    for (const example of permuted) expect(examples).toContain(example);
    expect(permuteExamples(examples, key())).toEqual(permuted);
    const orders = new Set([0, 1, 2, 3].map((index) => JSON.stringify(permuteExamples(examples, key(index)))));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('swaps two examples and refuses fewer', () => {
    expect(permuteExamples(['x', 'y'], key())).toEqual(['y', 'x']);
    expect(permuteExamples(['x'], key())).toBeUndefined();
    expect(permuteExamples([], key())).toBeUndefined();
  });
});

describe('permuteLabelList', () => {
  it("reorders the banking77 prompt's bulleted list in place, leaving the rest of the prompt alone", async () => {
    const system = await readFile(path.join(evals, 'prompts/banking77-system.md'), 'utf8');
    const labels = (await readFile(path.join(evals, 'data/banking77-labels.txt'), 'utf8')).split('\n').filter(Boolean);
    const permuted = permuteLabelList(system, labels, key()) as string;
    expect(permuted).not.toBe(system);
    const lines = (text: string) => text.split('\n');
    expect([...lines(permuted)].sort()).toEqual([...lines(system)].sort());
    const changed = lines(system).flatMap((line, i) => (line === lines(permuted)[i] ? [] : [line]));
    expect(changed.length).toBeGreaterThan(10);
    for (const line of changed) expect(line).toMatch(/^- \S+$/);
    expect(permuteLabelList(system, labels, key())).toBe(permuted);
  });

  it('keeps the numbers of a numbered list in place and moves each description with its label', () => {
    const system = 'Classify.\n1. refund: money back\n2. delivery - where is it\n3. other (anything else)\nBe brief.';
    const permuted = permuteLabelList(system, ['refund', 'delivery', 'other'], key()) as string;
    const lines = permuted.split('\n');
    expect(lines[0]).toBe('Classify.');
    expect(lines[4]).toBe('Be brief.');
    expect(lines.slice(1, 4).map((line) => line.slice(0, 3))).toEqual(['1. ', '2. ', '3. ']);
    expect(
      lines
        .slice(1, 4)
        .map((line) => line.slice(3))
        .sort(),
    ).toEqual(['delivery - where is it', 'other (anything else)', 'refund: money back']);
    expect(permuted).not.toBe(system);
  });

  it('reorders a comma-separated line that holds at least 80% of the labels', () => {
    const labels = ['billing', 'shipping', 'returns', 'account', 'other'];
    const system = 'Answer with one of: billing, shipping, returns, `account` or other.\nNothing else.';
    const permuted = permuteLabelList(system, labels, key()) as string;
    expect(permuted).not.toBe(system);
    expect(permuted.startsWith('Answer with one of: ')).toBe(true);
    expect(permuted).toContain(' or ');
    expect(permuted).toContain('`');
    expect(permuted.endsWith('.\nNothing else.')).toBe(true);
    for (const label of labels) expect(permuted).toContain(label);
    // Three of five labels (60%) on the line is a sentence, not the list.
    expect(permuteLabelList('Mind billing, shipping, returns.', labels, key())).toBeUndefined();
  });

  it('finds no list where there is none', () => {
    expect(permuteLabelList('Route the message.', ['a_b', 'c_d'], key())).toBeUndefined();
    expect(permuteLabelList('- only_one\nthen text', ['only_one', 'two'], key())).toBeUndefined();
    expect(permuteLabelList('- a\n- b', ['a'], key())).toBeUndefined();
  });
});

describe('instruction rewordings', () => {
  it('reads YAML, JSON and text files', () => {
    expect(parseInstructionVariants('- Route it.\n- |\n  Two\n  lines.\n- Route it.\n', 'r.yaml')).toEqual({
      ok: true,
      variants: ['Route it.', 'Two\nlines.'],
    });
    expect(parseInstructionVariants('["One.", " Two. "]', 'r.json')).toEqual({ ok: true, variants: ['One.', 'Two.'] });
    expect(parseInstructionVariants('One.\n\nTwo.\n', 'r.txt')).toEqual({ ok: true, variants: ['One.', 'Two.'] });
    expect(parseInstructionVariants('First\nparagraph.\n---\nSecond.\n', 'r.md')).toEqual({
      ok: true,
      variants: ['First\nparagraph.', 'Second.'],
    });
  });

  it('locates what is wrong in a file', () => {
    expect(parseInstructionVariants('- fine\n- { not: text }\n', 'r.yml')).toMatchObject({
      ok: false,
      line: 2,
      col: 3,
    });
    expect(parseInstructionVariants('key: value\n', 'r.yaml')).toMatchObject({ ok: false, line: 1, col: 1 });
    expect(parseInstructionVariants('[1, 2]', 'r.json')).toMatchObject({ ok: false, message: /array of strings/ });
    expect(parseInstructionVariants('\n\n', 'r.txt')).toMatchObject({ ok: false, message: /no rewordings/ });
  });

  it('loadInstructionVariants reads a file, and throws a located config error for a bad one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-rewordings-'));
    const good = path.join(dir, 'good.yaml');
    await writeFile(good, '- Say the intent.\n- Name the intent only.\n');
    expect(await loadInstructionVariants(good)).toEqual(['Say the intent.', 'Name the intent only.']);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '["a",\n  oops]');
    const error = await loadInstructionVariants(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).message).toMatch(new RegExp(`^${bad}:2:\\d+ invalid JSON`));
  });

  it('asks the teacher for a JSON array and reads its answer', () => {
    const prompt = instructionRewordingPrompt('Answer with the intent.', 4);
    expect(prompt).toContain('Answer with the intent.');
    expect(prompt).toContain('4 strings');
    expect(parseRewordings('Sure!\n```json\n["One.", "Two.", "One."]\n```')).toEqual(['One.', 'Two.']);
    expect(parseRewordings('1. First wording.\n2) Second wording.\n- Third.')).toEqual([
      'First wording.',
      'Second wording.',
      'Third.',
    ]);
    expect(parseRewordings('no list here')).toEqual([]);
  });

  it('recognises its own request (for the simulated teacher), the prompt whole, and nothing else', () => {
    const system = 'Pick a label.\n\nLabels:\n- a\n- b';
    expect(rewordingRequestOf(instructionRewordingPrompt(system, 3))).toEqual({ system, count: 3 });
    expect(rewordingRequestOf('Rewrite the system prompt below in 3 different ways.')).toBeNull();
    expect(rewordingRequestOf('Message: where is my card?')).toBeNull();
  });
});
