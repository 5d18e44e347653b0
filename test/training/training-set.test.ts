import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { countMessageTokens, loadTokenizer } from '../../src/providers/tokens.js';
import type { ChatMessage } from '../../src/providers/types.js';
import { validateChatFineTuningJsonl } from '../../src/training/chat-format.js';
import { leakIndex } from '../../src/training/decontaminate.js';
import { toPreferenceExample, toTrainingExample } from '../../src/training/examples.js';
import { buildTrainingSet, TRAINING_SET_REPORT_FILE } from '../../src/training/training-set.js';
import type { TrainingExample } from '../../src/training/types.js';
import { variant } from '../engine/helpers.js';
import { randomSentences } from './fake-teacher.js';
import { EVAL, TABLE } from './leak-shapes.js';

const format = variant('small', { role: 'finetuned', system: 'Classify the message.', template: 'Message: {{input}}' });

function example(input: string, label: string, index: number): TrainingExample {
  return toTrainingExample({ id: `e${index}`, source: 'logs', input, output: label, label, format });
}

function labelled(inputs: string[], labels: string[]): TrainingExample[] {
  return inputs.map((input, index) => example(input, labels[index] as string, index));
}

/** 20 × a, 10 × b, 1 × c: the examples that should survive every filter. */
function goodExamples(): TrainingExample[] {
  const labels = [...Array(20).fill('a'), ...Array(10).fill('b'), 'c'];
  return labelled(randomSentences(31, 7), labels);
}

async function readLines(path: string): Promise<{ messages: ChatMessage[] }[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const labelOfLine = (line: { messages: ChatMessage[] }) => line.messages.at(-1)?.content;

let outDir: string;
beforeAll(() => loadTokenizer());
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'training-set-'));
});
afterEach(() => rm(outDir, { recursive: true, force: true }));

describe('buildTrainingSet', () => {
  it('removes duplicates, eval copies (exact and near) and over-long examples, and counts each', async () => {
    const good = goodExamples();
    const [contaminatedExact, contaminatedCase, contaminatedNear] = randomSentences(3, 99, 20);
    const extra = [
      example(`  ${good[0]?.input.toUpperCase()}!! `, 'a', 100), // duplicate of good[0] after normalization
      example(good[25]?.input as string, 'b', 101), // exact duplicate
      example(randomSentences(1, 5, 400)[0] as string, 'a', 102), // too long
      example(contaminatedExact as string, 'a', 103),
      example(contaminatedCase as string, 'a', 104),
      example(contaminatedNear as string, 'a', 105),
    ];
    const evalInputs = [
      contaminatedExact as string,
      `${contaminatedCase?.toUpperCase()}?`,
      `${contaminatedNear} extraword`, // one extra word: word-trigram Jaccard 18/19
      ...randomSentences(50, 1234),
    ];
    const report = await buildTrainingSet([...good, ...extra], {
      evalInputs,
      validationSplit: 0.2,
      maxTokensPerExample: 300,
      outDir,
    });
    expect(report).toMatchObject({
      examples: 31,
      duplicates_removed: 2,
      decontaminated: 3,
      too_long: 1,
      train: 25,
      validation: 6,
      preference_pairs: 0,
    });
    const written = [...(await readLines(report.files.train)), ...(await readLines(report.files.validation as string))];
    const writtenUsers = new Set(written.map((line) => line.messages[1]?.content));
    expect(writtenUsers).toEqual(new Set(good.map((item) => `Message: ${item.input}`)));
  });

  it('splits stratified by label: per-label proportions, and every label keeps one in train', async () => {
    const report = await buildTrainingSet(goodExamples(), {
      evalInputs: [],
      validationSplit: 0.2,
      maxTokensPerExample: 1000,
      outDir,
      seed: 3,
    });
    const count = (lines: { messages: ChatMessage[] }[], label: string) =>
      lines.filter((line) => labelOfLine(line) === label).length;
    const train = await readLines(report.files.train);
    const validation = await readLines(report.files.validation as string);
    expect([count(validation, 'a'), count(validation, 'b'), count(validation, 'c')]).toEqual([4, 2, 0]);
    expect([count(train, 'a'), count(train, 'b'), count(train, 'c')]).toEqual([16, 8, 1]);
  });

  it('is deterministic for a seed and varies with it', async () => {
    const options = { evalInputs: [], validationSplit: 0.3, maxTokensPerExample: 1000, outDir };
    const first = await buildTrainingSet(goodExamples(), { ...options, seed: 1 });
    const firstText = await readFile(first.files.train, 'utf8');
    await buildTrainingSet(goodExamples(), { ...options, seed: 1 });
    expect(await readFile(first.files.train, 'utf8')).toBe(firstText);
    await buildTrainingSet(goodExamples(), { ...options, seed: 2 });
    expect(await readFile(first.files.train, 'utf8')).not.toBe(firstText);
  });

  it('counts training tokens per epoch as the sum over the written train lines', async () => {
    const report = await buildTrainingSet(goodExamples(), {
      evalInputs: [],
      validationSplit: 0.2,
      maxTokensPerExample: 1000,
      outDir,
    });
    const lines = await readLines(report.files.train);
    const expected = lines.reduce((sum, line) => sum + countMessageTokens(line.messages), 0);
    expect(report.training_tokens_per_epoch).toBe(expected);
    expect(expected).toBeGreaterThan(25 * 20);
  });

  it('writes files that pass the fine-tuning format checks, preference pairs included', async () => {
    const good = goodExamples();
    const pairInputs = randomSentences(3, 77);
    const preference = pairInputs.map((input, index) =>
      toPreferenceExample({ id: String(index), input, preferred: 'a', nonPreferred: 'b', format }),
    );
    const report = await buildTrainingSet(good, {
      evalInputs: [pairInputs[0] as string],
      validationSplit: 0.2,
      maxTokensPerExample: 1000,
      outDir,
      preference,
    });
    expect(report.preference_pairs).toBe(2);
    expect(report.decontaminated).toBe(1);
    for (const [path, kind] of [
      [report.files.train, 'chat'],
      [report.files.validation, 'chat'],
      [report.files.preference, 'preference'],
    ] as const) {
      expect(path).not.toBeNull();
      expect(validateChatFineTuningJsonl(await readFile(path as string, 'utf8'), kind)).toEqual([]);
    }
    const firstTrain = (await readLines(report.files.train))[0];
    expect(firstTrain?.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
  });

  it('writes no validation file when the split is 0, removing one left from an earlier build', async () => {
    await writeFile(join(outDir, 'validation.jsonl'), 'stale\n');
    const report = await buildTrainingSet(goodExamples(), {
      evalInputs: [],
      validationSplit: 0,
      maxTokensPerExample: 1000,
      outDir,
    });
    expect(report.validation).toBe(0);
    expect(report.train).toBe(31);
    expect(report.files.validation).toBeNull();
    await expect(readFile(join(outDir, 'validation.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses fewer than 10 examples after filtering, saying how many are left and why', async () => {
    const inputs = randomSentences(12, 8);
    const examples = labelled(inputs, Array(12).fill('a'));
    const error = await buildTrainingSet(examples, {
      evalInputs: inputs.slice(0, 3),
      validationSplit: 0.2,
      maxTokensPerExample: 1000,
      outDir,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('training-set');
    expect((error as TunegateError).message).toMatch(/only 9 training examples left of 12 .*3 leaking the eval set/);
    expect((error as TunegateError).message).toMatch(/at least 10/);
  });

  it('rejects a validation split outside [0, 1)', async () => {
    await expect(
      buildTrainingSet(goodExamples(), { evalInputs: [], validationSplit: 1, maxTokensPerExample: 1000, outDir }),
    ).rejects.toThrow(/validation split/);
  });
});

describe('buildTrainingSet: leaks', () => {
  it('removes every leak shape of the eval set, counts each rule with examples, keeps clean rows, writes the report', async () => {
    const leaks = TABLE.filter((row) => row.rule !== null);
    const clean = TABLE.filter((row) => row.rule === null).map((row) => row.text);
    const rows = [...randomSentences(12, 8), ...clean, ...leaks.map((row) => row.text)];
    const report = await buildTrainingSet(
      rows.map((input, index) => example(input, 'a', index)),
      { evalInputs: EVAL, validationSplit: 0, maxTokensPerExample: 1000, outDir },
    );
    const expectedByRule = { exact: 0, containment: 0, ngram: 0, 'near-duplicate': 0 };
    for (const row of leaks) expectedByRule[row.rule as keyof typeof expectedByRule]++;
    expect(report.decontamination.eval.by_rule).toEqual(expectedByRule);
    expect(report.decontaminated).toBe(leaks.length);
    // Up to three examples per rule, each a removed row with the eval input it leaks.
    const examples = report.decontamination.eval.examples;
    expect(examples).toHaveLength(Object.values(expectedByRule).reduce((sum, n) => sum + Math.min(n, 3), 0));
    for (const { text, rule, match } of examples) {
      expect(leaks).toContainEqual(expect.objectContaining({ text, rule }));
      expect(EVAL).toContain(match);
    }
    const written = (await readLines(report.files.train)).map((line) => line.messages[1]?.content);
    expect(written).toEqual(expect.arrayContaining(clean.map((text) => `Message: ${text}`)));
    expect(written).toHaveLength(12 + clean.length);
    const onDisk = JSON.parse(await readFile(join(outDir, TRAINING_SET_REPORT_FILE), 'utf8'));
    expect(onDisk.decontamination.eval.by_rule).toEqual(expectedByRule);
  });

  it('drops validation rows that leak a training row, and counts them', async () => {
    // 20 sentences, each with a twin one word apart: wherever the split puts them, twins must not straddle it.
    const originals = randomSentences(20, 31);
    const twins = originals.map((text) => text.replace(/^(\S+ \S+ )\S+/, '$1different'));
    const report = await buildTrainingSet(
      [...originals, ...twins].map((input, index) => example(input, 'a', index)),
      { evalInputs: [], validationSplit: 0.3, maxTokensPerExample: 1000, outDir, seed: 4 },
    );
    const train = (await readLines(report.files.train)).map((line) => line.messages[1]?.content as string);
    const validation = (await readLines(report.files.validation as string)).map(
      (line) => line.messages[1]?.content as string,
    );
    const removed = report.decontamination.validation;
    expect(removed.removed).toBeGreaterThan(0);
    expect(removed.by_rule['near-duplicate']).toBe(removed.removed);
    expect(train.length + validation.length + removed.removed).toBe(40);
    const trainIndex = leakIndex(train.map((text) => text.replace('Message: ', '')));
    for (const text of validation) expect(trainIndex.find(text.replace('Message: ', ''))).toBeUndefined();
  });
});
