import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import {
  countLoggedPairs,
  examplesFromEval,
  examplesFromLogs,
  examplesFromStored,
} from '../../src/training/collect.js';
import { preferencePairsFromEval } from '../../src/training/dpo.js';
import { toTrainingExample } from '../../src/training/examples.js';
import { variant } from '../engine/helpers.js';

const format = variant('small', {
  role: 'finetuned',
  system: 'Route the message to an intent.',
  template: 'Message: {{input}}',
  // Few-shot examples of the variant are sent when serving, so training rows carry them too.
  examples: [{ input: 'hi', output: 'greeting' }],
});

function record(overrides: Record<string, unknown>) {
  return {
    suite: 'banking',
    variant: 'big',
    case_id: '0',
    index: 0,
    input: 'where is my card',
    expected: 'card_arrival',
    output: 'card_arrival',
    error: null,
    correct: true,
    scores: [],
    ...overrides,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'collect-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function writeJsonl(name: string, lines: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'));
  return path;
}

/** Case 1: both right; case 2: big right, small wrong; case 3: big wrong; case 4: big right, small errored. */
function runRecords() {
  return [
    record({ case_id: '1', input: 'where is my card', output: 'card_arrival', expected_label: 'card_arrival' }),
    record({ case_id: '1', variant: 'small', input: 'where is my card', output: 'card_arrival' }),
    record({ case_id: '2', input: 'my pin is blocked', output: 'pin_blocked', expected: 'pin_blocked' }),
    record({ case_id: '2', variant: 'small', input: 'my pin is blocked', output: 'card_lost', correct: false }),
    record({ case_id: '3', input: 'fee on transfer', output: 'wrong', expected: 'transfer_fee', correct: false }),
    record({ case_id: '4', input: 'top up failed', output: 'top_up_failed', expected: 'top_up_failed' }),
    record({ case_id: '4', variant: 'small', input: 'top up failed', output: null, error: 'timeout', correct: false }),
    record({ suite: 'other', case_id: '9', input: 'unrelated', output: 'x' }),
  ];
}

const anyCase = () => true;

describe('examplesFromEval', () => {
  it('never reads a case the evaluation uses (only those mayTrain allows)', async () => {
    const path = await writeJsonl('cases.jsonl', runRecords());
    const mayTrain = (caseId: string) => caseId !== '1';
    const examples = await examplesFromEval(path, { suite: 'banking', variant: 'big', format, mayTrain });
    expect(examples.map((example) => example.id)).toEqual(['eval:2', 'eval:4']);
    const pairs = await preferencePairsFromEval(path, {
      suite: 'banking',
      baseline: 'big',
      candidate: 'small',
      format,
      mayTrain: (caseId) => caseId !== '2',
    });
    expect(pairs).toEqual([]);
  });

  it("keeps the baseline's correct answers of the suite, in the fine-tuned variant's prompt shape", async () => {
    const path = await writeJsonl('cases.jsonl', runRecords());
    const examples = await examplesFromEval(path, { suite: 'banking', variant: 'big', format, mayTrain: anyCase });
    expect(examples.map((example) => example.id)).toEqual(['eval:1', 'eval:2', 'eval:4']);
    expect(examples[0]).toEqual({
      id: 'eval:1',
      source: 'eval',
      input: 'where is my card',
      output: 'card_arrival',
      label: 'card_arrival',
      messages: [
        { role: 'system', content: 'Route the message to an intent.' },
        { role: 'user', content: 'Message: hi' },
        { role: 'assistant', content: 'greeting' },
        { role: 'user', content: 'Message: where is my card' },
        { role: 'assistant', content: 'card_arrival' },
      ],
    });
    expect(examples[1]?.label).toBeUndefined();
  });

  it('takes labels from labelOf when given', async () => {
    const path = await writeJsonl('cases.jsonl', runRecords());
    const examples = await examplesFromEval(path, {
      suite: 'banking',
      variant: 'big',
      format: undefined,
      labelOf: (r) => String(r.expected),
      mayTrain: anyCase,
    });
    expect(examples.map((example) => example.label)).toEqual(['card_arrival', 'pin_blocked', 'top_up_failed']);
    expect(examples[0]?.messages).toEqual([
      { role: 'user', content: 'where is my card' },
      { role: 'assistant', content: 'card_arrival' },
    ]);
  });

  it('reports every malformed line as file:line:col', async () => {
    const path = await writeJsonl('cases.jsonl', [record({}), '{"suite": ', '', record({ correct: 'yes' })]);
    const error = await examplesFromEval(path, { suite: 'banking', variant: 'big', format, mayTrain: anyCase }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TunegateError);
    const message = (error as TunegateError).message;
    expect(message).toMatch(/2 bad lines/);
    expect(message).toContain(`${path}:2:`);
    expect(message).toContain(`${path}:4:1 case 0: "correct" must be true or false`);
  });

  it('says which file is missing', async () => {
    await expect(
      examplesFromEval(join(dir, 'nope.jsonl'), { suite: 'banking', variant: 'big', format, mayTrain: anyCase }),
    ).rejects.toThrow(/cannot read .*nope\.jsonl/);
  });
});

describe('preferencePairsFromEval', () => {
  it('pairs the baseline right against the candidate wrong on the same case', async () => {
    const path = await writeJsonl('cases.jsonl', runRecords());
    const pairs = await preferencePairsFromEval(path, {
      suite: 'banking',
      baseline: 'big',
      candidate: 'small',
      format,
      mayTrain: (caseId) => caseId !== '1',
    });
    expect(pairs).toEqual([
      {
        input: {
          messages: [
            { role: 'system', content: 'Route the message to an intent.' },
            { role: 'user', content: 'Message: hi' },
            { role: 'assistant', content: 'greeting' },
            { role: 'user', content: 'Message: my pin is blocked' },
          ],
        },
        preferred_output: [{ role: 'assistant', content: 'pin_blocked' }],
        non_preferred_output: [{ role: 'assistant', content: 'card_lost' }],
      },
    ]);
  });
});

describe('preferencePairsFromEval: training rows only', () => {
  it('builds no pair from a case of the evaluated sample', async () => {
    const path = await writeJsonl('cases.jsonl', [
      ...runRecords(),
      record({ case_id: '5', input: 'card declined abroad', output: 'declined_card_payment' }),
      record({ case_id: '5', variant: 'small', input: 'card declined abroad', output: 'card_lost', correct: false }),
    ]);
    const options = { suite: 'banking', baseline: 'big', candidate: 'small', format };
    const inputOf = (pairs: { input: { messages: { content: string }[] } }[]) =>
      pairs.map((pair) => pair.input.messages.at(-1)?.content);
    const outside = await preferencePairsFromEval(path, {
      ...options,
      mayTrain: (id: string) => !['1', '2', '3', '4'].includes(id),
    });
    expect(inputOf(outside)).toEqual(['Message: card declined abroad']);
    const allEvaluated = await preferencePairsFromEval(path, {
      ...options,
      mayTrain: (id: string) => !['2', '5'].includes(id),
    });
    expect(allEvaluated).toEqual([]);
  });
});

describe('examplesFromLogs', () => {
  it('reads logged input/output pairs with optional labels', async () => {
    const path = await writeJsonl('logs.jsonl', [
      { input: 'card declined', output: 'declined_card_payment', label: 'declined_card_payment' },
      '',
      { input: 'cash please', output: 'cash_withdrawal' },
    ]);
    const examples = await examplesFromLogs(path, { format });
    expect(examples.map(({ id, label }) => ({ id, label }))).toEqual([
      { id: 'logs:1', label: 'declined_card_payment' },
      { id: 'logs:3', label: undefined },
    ]);
    expect(examples[1]?.messages.at(-1)).toEqual({ role: 'assistant', content: 'cash_withdrawal' });
  });

  it('names the file, line and column of each bad line', async () => {
    const path = await writeJsonl('logs.jsonl', [
      { input: 'ok', output: 'ok' },
      '{"input": "x", "output": }',
      { input: 'no output' },
      [1, 2],
      { input: 'x', output: 'y', label: 3 },
    ]);
    const error = (await examplesFromLogs(path, { format }).catch((e: unknown) => e)) as TunegateError;
    expect(error.code).toBe('training-source');
    expect(error.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(error.message).toMatch(new RegExp(`${path}:2:\\d+ invalid JSON`));
    expect(error.message).toContain(`${path}:3:1 "output" must be a string`);
    expect(error.message).toContain(`${path}:5:1 "label" must be a string when present`);
  });
});

describe('examplesFromStored', () => {
  it('turns the listed stored completions into examples', async () => {
    const examples = await examplesFromStored(
      async () => [{ id: 'chatcmpl-1', input: 'lost my card', output: 'lost_or_stolen_card' }],
      { format },
    );
    expect(examples).toEqual([
      toTrainingExample({
        id: 'stored:chatcmpl-1',
        source: 'stored',
        input: 'lost my card',
        output: 'lost_or_stolen_card',
        format,
      }),
    ]);
    // System prompt, the variant's few-shot turn (as served), then the stored pair.
    expect(examples[0]?.messages).toEqual([
      { role: 'system', content: 'Route the message to an intent.' },
      { role: 'user', content: 'Message: hi' },
      { role: 'assistant', content: 'greeting' },
      { role: 'user', content: 'Message: lost my card' },
      { role: 'assistant', content: 'lost_or_stolen_card' },
    ]);
  });
});

describe('toTrainingExample', () => {
  it('renders other template fields and names the example when one is missing', () => {
    const withFields = variant('x', { template: '[{{lang}}] {{input}}' });
    const example = toTrainingExample({
      id: 'a',
      source: 'logs',
      input: 'hola',
      output: 'greeting',
      format: withFields,
      fields: { lang: 'es' },
    });
    expect(example.messages[0]).toEqual({ role: 'user', content: '[es] hola' });
    expect(() =>
      toTrainingExample({ id: 'b', source: 'logs', input: 'hola', output: 'greeting', format: withFields }),
    ).toThrow(/training example b, variant "x": template uses \{\{lang\}\}/);
  });
});

describe('countLoggedPairs', () => {
  it("counts the logs sources' non-blank lines, across chunks, and nothing for other sources or missing files", async () => {
    const small = join(dir, 'small.jsonl');
    await writeFile(small, '{"input":"a","output":"x"}\n\n  \r\n{"input":"b","output":"y"}');
    // Lines longer than one 64 KB read, so some are split across chunks.
    const big = join(dir, 'big.jsonl');
    const row = JSON.stringify({ input: 'w'.repeat(40_000), output: 'x' });
    await writeFile(big, `${Array.from({ length: 5 }, () => row).join('\r\n')}\r\n`);
    const sources = [
      { type: 'logs' as const, path: small },
      { type: 'dataset' as const },
      { type: 'logs' as const, path: big },
      { type: 'logs' as const, path: join(dir, 'missing.jsonl') },
    ];
    expect(await countLoggedPairs(sources)).toBe(7);
    expect(await countLoggedPairs(undefined)).toBe(0);
  });
});
