import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { buildScorers, type Scorer } from '../../src/scoring/scorers.js';
import type { ScorerSpec } from '../../src/suite/types.js';

const generation = { kind: 'generation' as const };

async function scorerFor(
  spec: ScorerSpec,
  task: { kind: 'classification' | 'extraction' | 'generation'; labels?: string[] } = generation,
): Promise<Scorer> {
  const [scorer] = await buildScorers([spec], task);
  if (scorer === undefined) throw new Error('no scorer built');
  return scorer;
}

async function run(scorer: Scorer, output: string, expected: unknown) {
  return scorer.score({ output, expected, input: 'in', fields: {} });
}

describe('exact', () => {
  it('compares normalized strings', async () => {
    const scorer = await scorerFor({ type: 'exact', normalize: ['trim', 'lowercase'] });
    expect(await run(scorer, '  Paris\n', 'paris')).toEqual({ scorer: 'exact', pass: true, value: 1 });
    const miss = await run(scorer, 'Paris, France', 'paris');
    expect(miss.pass).toBe(false);
    expect(miss.value).toBe(0);
    expect(miss.reason).toMatch(/differs/);
  });

  it('is strict without normalizers', async () => {
    const scorer = await scorerFor({ type: 'exact', normalize: [] });
    expect((await run(scorer, 'Paris ', 'Paris')).pass).toBe(false);
  });

  it('compares parsed JSON deep when the gold answer is an object', async () => {
    const scorer = await scorerFor({ type: 'exact', normalize: ['lowercase'] });
    const gold = { city: 'paris', tags: ['a', 'b'] };
    expect((await run(scorer, '```json\n{"tags":["A","b"],"city":"Paris"}\n```', gold)).pass).toBe(true);
    expect((await run(scorer, '{"tags":["b","a"],"city":"Paris"}', gold)).pass).toBe(false);
    const notJson = await run(scorer, 'Paris', gold);
    expect(notJson.pass).toBe(false);
    expect(notJson.reason).toMatch(/^output is not JSON: /);
  });
});

describe('contains', () => {
  it('looks for the gold answer by default, normalized', async () => {
    const scorer = await scorerFor({ type: 'contains', normalize: ['lowercase'] });
    expect((await run(scorer, 'The answer is PARIS.', 'Paris')).pass).toBe(true);
    expect((await run(scorer, 'The answer is Lyon.', 'Paris')).pass).toBe(false);
  });

  it('looks for a fixed value when given', async () => {
    const scorer = await scorerFor({ type: 'contains', value: 'Refund', normalize: ['lowercase'] });
    expect((await run(scorer, 'we will issue a refund', 'ignored')).pass).toBe(true);
    const miss = await run(scorer, 'no money back', 'refund');
    expect(miss.pass).toBe(false);
    expect(miss.reason).toContain('"refund"');
  });
});

describe('regex', () => {
  it('tests the raw output against the pattern', async () => {
    const scorer = await scorerFor({ type: 'regex', pattern: '^\\d+$' });
    expect((await run(scorer, '42', '')).pass).toBe(true);
    expect((await run(scorer, '42 apples', '')).pass).toBe(false);
  });

  it('honours flags and stays stateless with the g flag', async () => {
    const scorer = await scorerFor({ type: 'regex', pattern: 'yes', flags: 'gi' });
    expect((await run(scorer, 'YES', '')).pass).toBe(true);
    expect((await run(scorer, 'YES', '')).pass).toBe(true);
  });

  it('rejects an invalid pattern when building', async () => {
    const failure = buildScorers([{ type: 'regex', pattern: '(unclosed' }], generation);
    await expect(failure).rejects.toBeInstanceOf(TunegateError);
    await expect(failure).rejects.toMatchObject({ code: 'scorer' });
  });

  it('names repeated scorers apart', async () => {
    const scorers = await buildScorers(
      [
        { type: 'regex', pattern: 'a' },
        { type: 'regex', pattern: 'b' },
        { type: 'exact', normalize: [] },
      ],
      generation,
    );
    expect(scorers.map((scorer) => scorer.name)).toEqual(['regex', 'regex_2', 'exact']);
  });
});

describe('json', () => {
  const extraction = { kind: 'extraction' as const };

  it('fails output that is not JSON', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: [] }, extraction);
    const score = await run(scorer, 'Sure! {intent: x}', { intent: 'x' });
    expect(score.pass).toBe(false);
    expect(score.value).toBe(0);
    expect(score.reason).toMatch(/^output is not JSON: /);
  });

  it('unwraps a ```json fence, with or without prose around it', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: [] }, extraction);
    expect((await run(scorer, '```json\n{"intent":"x"}\n```', { intent: 'x' })).pass).toBe(true);
    expect((await run(scorer, 'Here you go:\n```\n{"intent":"x"}\n```\nAnything else?', { intent: 'x' })).pass).toBe(
      true,
    );
  });

  it('passes any JSON when there is neither schema nor gold object', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: [] }, extraction);
    expect((await run(scorer, '[1, 2]', '')).pass).toBe(true);
  });

  it('validates against the schema and reports the first failing path', async () => {
    const schema = {
      type: 'object',
      required: ['intent', 'slots'],
      properties: { intent: { type: 'string' }, slots: { type: 'object', properties: { count: { type: 'integer' } } } },
    };
    const scorer = await scorerFor({ type: 'json', schema, normalize: [] }, extraction);
    expect((await run(scorer, '{"intent":"x","slots":{"count":2}}', undefined)).pass).toBe(true);
    const wrongType = await run(scorer, '{"intent":"x","slots":{"count":"two"}}', undefined);
    expect(wrongType.pass).toBe(false);
    expect(wrongType.reason).toBe('output does not match the schema at /slots/count: must be integer');
    const missing = await run(scorer, '{"intent":"x"}', undefined);
    expect(missing.reason).toMatch(/at \/: must have required property 'slots'/);
  });

  it('rejects a schema that does not compile when building', async () => {
    const failure = buildScorers([{ type: 'json', schema: { type: 'no-such-type' }, normalize: [] }], extraction);
    await expect(failure).rejects.toMatchObject({ code: 'scorer' });
  });

  it('gives partial credit field by field, strings normalized, nested objects deep', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: ['trim', 'lowercase'] }, extraction);
    const gold = { intent: 'PlayMusic', artist: 'Queen', when: { day: 'Friday', hour: 9 } };
    const allRight = await run(
      scorer,
      '{"intent":" playmusic","artist":"QUEEN","when":{"hour":9,"day":"friday"},"x":1}',
      gold,
    );
    expect(allRight).toEqual({ scorer: 'json', pass: true, value: 1 });
    const oneWrong = await run(scorer, '{"intent":"PlayMusic","artist":"Abba","when":{"day":"Friday","hour":9}}', {
      intent: 'PlayMusic',
      artist: 'Queen',
      when: { day: 'Friday', hour: 9 },
    });
    expect(oneWrong.pass).toBe(false);
    expect(oneWrong.value).toBeCloseTo(2 / 3, 12);
    expect(oneWrong.reason).toBe('fields differ: artist');
    const nestedWrong = await run(scorer, '{"intent":"PlayMusic","artist":"Queen","when":{"day":"Friday","hour":10}}', {
      intent: 'PlayMusic',
      artist: 'Queen',
      when: { day: 'Friday', hour: 9 },
    });
    expect(nestedWrong.value).toBeCloseTo(2 / 3, 12);
  });

  it('compares only the listed fields, and a listed field missing from gold must be missing from output', async () => {
    const scorer = await scorerFor({ type: 'json', fields: ['intent', 'slot'], normalize: [] }, extraction);
    const gold = { intent: 'x', note: 'not compared' };
    expect((await run(scorer, '{"intent":"x","note":"other"}', gold)).pass).toBe(true);
    expect((await run(scorer, '{"intent":"x","slot":null}', gold)).pass).toBe(true);
    const extra = await run(scorer, '{"intent":"x","slot":"invented"}', gold);
    expect(extra).toMatchObject({ pass: false, value: 0.5, reason: 'fields differ: slot' });
  });

  it('reads a gold object held as a JSON string (CSV datasets)', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: [] }, extraction);
    expect((await run(scorer, '{"a":1,"b":2}', '{"a":1,"b":3}')).value).toBe(0.5);
  });

  it('fails JSON that is not an object against a gold object', async () => {
    const scorer = await scorerFor({ type: 'json', normalize: [] }, extraction);
    expect(await run(scorer, '"x"', { intent: 'x' })).toMatchObject({
      pass: false,
      reason: 'output is JSON but not an object',
    });
  });
});

describe('labels', () => {
  const labels = ['card_arrival', 'Lost_Or_Stolen_Card', 'refund_not_showing_up'];
  const classification = { kind: 'classification' as const, labels };

  it('passes when the normalized output is the gold label, and reports labels in the list spelling', async () => {
    const scorer = await scorerFor({ type: 'labels', normalize: ['trim', 'lowercase'] }, classification);
    expect(await run(scorer, ' LOST_OR_STOLEN_CARD\n', 'lost_or_stolen_card')).toEqual({
      scorer: 'labels',
      pass: true,
      value: 1,
    });
    expect(
      scorer.labelsOf?.({ output: ' LOST_OR_STOLEN_CARD', expected: 'lost_or_stolen_card', input: '', fields: {} }),
    ).toEqual({
      predicted: 'Lost_Or_Stolen_Card',
      expected: 'Lost_Or_Stolen_Card',
    });
  });

  it.each([
    ['"card_arrival"', true],
    ["'card_arrival'.", true],
    ['Intent: card_arrival', true],
    ['label: `card_arrival`!', true],
    ['“card_arrival”', true],
    ['The intent is card_arrival', false],
    ['card arrival', false],
  ])('matches a decorated label %s → %s', async (output, pass) => {
    const scorer = await scorerFor({ type: 'labels', normalize: ['trim', 'lowercase'] }, classification);
    expect((await run(scorer, output, 'card_arrival')).pass).toBe(pass);
  });

  it('keeps an unknown prediction as the raw normalized output, which is wrong', async () => {
    const scorer = await scorerFor({ type: 'labels', normalize: ['trim', 'lowercase'] }, classification);
    const score = await run(scorer, 'The intent is Card_Arrival', 'card_arrival');
    expect(score.pass).toBe(false);
    expect(score.reason).toBe('predicted "the intent is card_arrival", expected "card_arrival"');
  });

  it('does not undecorate without a label list', async () => {
    const scorer = await scorerFor({ type: 'labels', normalize: ['trim', 'lowercase'] }, { kind: 'classification' });
    expect((await run(scorer, 'card_arrival', 'Card_Arrival')).pass).toBe(true);
    expect((await run(scorer, '"card_arrival"', 'card_arrival')).pass).toBe(false);
  });
});
