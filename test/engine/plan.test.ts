import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson } from '../../src/engine/cache-key.js';
import { buildMessages, iteratePlan, planCalls, renderTemplate, templateFields } from '../../src/engine/plan.js';
import { TunegateError } from '../../src/errors.js';
import { makeCases, nth, suite, variant } from './helpers.js';

describe('renderTemplate', () => {
  it('fills {{input}} and other fields, dotted paths, objects as JSON, numbers and null', () => {
    const fields = { input: 'hi', lang: 'fr', meta: { user: { tier: 'gold' } }, tags: ['a', 'b'], n: 3, empty: null };
    expect(renderTemplate('[{{lang}}] {{ input }} / {{meta.user.tier}} / {{tags}} / {{n}} / <{{empty}}>', fields)).toBe(
      '[fr] hi / gold / ["a","b"] / 3 / <>',
    );
  });

  it('prefers an exact key that contains a dot over a nested path', () => {
    expect(renderTemplate('{{a.b}}', { 'a.b': 'flat', a: { b: 'nested' } })).toBe('flat');
  });

  it('throws a TunegateError naming a missing field', () => {
    let thrown: unknown;
    try {
      renderTemplate('{{input}} {{context}}', { input: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TunegateError);
    expect((thrown as TunegateError).code).toBe('template-field');
    expect((thrown as TunegateError).message).toContain('{{context}}');
    expect((thrown as TunegateError).message).toContain('available fields: input');
  });

  it('lists the fields a template reads, once each', () => {
    expect(templateFields('{{input}} and {{ ctx.a }} and {{input}}')).toEqual(['input', 'ctx.a']);
    expect(templateFields('no fields')).toEqual([]);
  });
});

describe('buildMessages', () => {
  it('puts the system prompt, then few-shot pairs rendered through the template, then the case', () => {
    const v = variant('big', {
      system: 'Classify.',
      template: 'Message: {{input}}',
      examples: [
        { input: 'card lost', output: 'lost_card' },
        { input: 'refund?', output: 'refund' },
      ],
    });
    const testCase = nth(makeCases(1), 0);
    expect(buildMessages(v, testCase)).toEqual([
      { role: 'system', content: 'Classify.' },
      { role: 'user', content: 'Message: card lost' },
      { role: 'assistant', content: 'lost_card' },
      { role: 'user', content: 'Message: refund?' },
      { role: 'assistant', content: 'refund' },
      { role: 'user', content: 'Message: message 0' },
    ]);
  });

  it('omits the system message when there is none, and uses {{input}} = the mapped case input', () => {
    const v = variant('small', { template: '{{input}} ({{lang}})' });
    const testCase = {
      id: 'a',
      index: 0,
      input: 'mapped text',
      expected: 'x',
      fields: { text: 'mapped text', lang: 'en' },
      line: 2,
    };
    expect(buildMessages(v, testCase)).toEqual([{ role: 'user', content: 'mapped text (en)' }]);
  });

  it('uses example inputs verbatim when the template reads fields an example cannot supply', () => {
    const v = variant('big', { template: '{{input}} ({{lang}})', examples: [{ input: 'whole turn', output: 'y' }] });
    const testCase = nth(
      makeCases(1, () => ({ lang: 'de' })),
      0,
    );
    expect(buildMessages(v, testCase).map((m) => m.content)).toEqual(['whole turn', 'y', 'message 0 (de)']);
  });

  it('names the variant and case when a field is missing', () => {
    const testCase = nth(makeCases(1), 0);
    expect(() => buildMessages(variant('big', { template: '{{nope}}' }), { ...testCase, id: 'c7', line: 9 })).toThrow(
      /variant "big", case c7 \(line 9\).*\{\{nope\}\}/,
    );
  });
});

describe('cacheKey', () => {
  const messages = [{ role: 'user' as const, content: 'hello' }];
  const X = { base_url: 'http://x/v1' };

  it('is stable for equal inputs regardless of key order', () => {
    const a = cacheKey(X, 'm', messages, { temperature: 0, max_tokens: 5 });
    const b = cacheKey(X, 'm', [{ content: 'hello', role: 'user' }], { max_tokens: 5, temperature: 0 });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a param, the model, the URL or a message changes', () => {
    const base = cacheKey(X, 'm', messages, { temperature: 0 });
    expect(cacheKey(X, 'm', messages, { temperature: 0.5 })).not.toBe(base);
    expect(cacheKey(X, 'm2', messages, { temperature: 0 })).not.toBe(base);
    expect(cacheKey({ base_url: 'http://y/v1' }, 'm', messages, { temperature: 0 })).not.toBe(base);
    expect(cacheKey(X, 'm', [{ role: 'user', content: 'hello!' }], { temperature: 0 })).not.toBe(base);
  });

  it('changes with the API version and the headers, whose names count without case', () => {
    const base = cacheKey({ ...X, headers: { 'X-Route': 'v1' } }, 'm', messages, {});
    expect(cacheKey({ ...X, headers: { 'X-Route': 'v2' } }, 'm', messages, {})).not.toBe(base);
    expect(cacheKey({ ...X, headers: { 'x-route': 'v1' } }, 'm', messages, {})).toBe(base);
    expect(cacheKey({ ...X, headers: { 'X-Route': 'v1' }, api_version: '2024-10-21' }, 'm', messages, {})).not.toBe(
      base,
    );
    expect(cacheKey(X, 'm', messages, {})).not.toBe(base);
  });

  it('takes a header read from the environment by its reference, never its value', () => {
    const fromEnv = cacheKey({ ...X, headers: { 'X-Api-Key': { env: 'ROUTE_KEY' } } }, 'm', messages, {});
    expect(cacheKey({ ...X, headers: { 'X-Api-Key': { env: 'OTHER_KEY' } } }, 'm', messages, {})).not.toBe(fromEnv);
    expect(cacheKey({ ...X, headers: { 'X-Api-Key': { env: 'ROUTE_KEY' } } }, 'm', messages, {})).toBe(fromEnv);
  });

  it('keeps the keys of endpoints without headers or API version as they were', () => {
    const before = createHash('sha256')
      .update(canonicalJson({ base_url: 'http://x/v1', messages, model: 'm', params: { seed: 1 } }))
      .digest('hex');
    expect(cacheKey({ ...X, headers: {} }, 'm', messages, { seed: 1 })).toBe(before);
  });
});

describe('planCalls / iteratePlan', () => {
  const twoSuites = () => {
    const first = suite({ name: 'one' });
    const second = suite({ name: 'two', variants: [variant('only', { params: { temperature: 0 } })] });
    return [
      { suite: first, cases: makeCases(2) },
      { suite: second, cases: makeCases(2) },
    ];
  };

  it('interleaves variants per case, suite by suite', () => {
    const order = planCalls(twoSuites()).map((c) => `${c.suite.name}/${c.case.id}/${c.variant.name}`);
    expect(order).toEqual(['one/0/big', 'one/0/small', 'one/1/big', 'one/1/small', 'two/0/only', 'two/1/only']);
  });

  it('gives each call the key of its own messages, and shares the prefix messages between calls', () => {
    const s = suite({
      variants: [variant('big', { system: 'S', examples: [{ input: 'e', output: 'o' }], params: { seed: 1 } })],
    });
    const calls = planCalls([{ suite: s, cases: makeCases(3) }]);
    for (const call of calls) {
      expect(call.cacheKey).toBe(
        cacheKey({ base_url: s.providers.local?.base_url }, 'model-big', call.messages, { seed: 1 }),
      );
    }
    expect(new Set(calls.map((c) => c.cacheKey)).size).toBe(3);
    expect(nth(calls, 0).messages[0]).toBe(nth(calls, 2).messages[0]);
    expect(nth(calls, 0).messages[1]).toBe(nth(calls, 2).messages[1]);
  });

  it('iterates lazily, knows its size, and can be iterated again with the same result', () => {
    const plan = iteratePlan(twoSuites());
    expect(plan.size).toBe(6);
    const first = [...plan].map((c) => c.cacheKey);
    expect([...plan].map((c) => c.cacheKey)).toEqual(first);
    expect(first).toEqual(planCalls(twoSuites()).map((c) => c.cacheKey));
  });

  it('rejects a variant whose provider is not declared', () => {
    const s = suite({ variants: [variant('big', { provider: 'missing' })] });
    expect(() => planCalls([{ suite: s, cases: makeCases(1) }])).toThrow(/provider "missing"/);
  });
});
