import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildScorers } from '../../src/scoring/scorers.js';

const fixture = fileURLToPath(new URL('../fixtures/scorers/scorers.js', import.meta.url));
const task = { kind: 'generation' as const };

async function customScorer(exportName?: string, module = fixture) {
  const [scorer] = await buildScorers(
    [{ type: 'custom', module, ...(exportName ? { export: exportName } : {}) }],
    task,
  );
  if (scorer === undefined) throw new Error('no scorer built');
  return scorer;
}

const ctx = (output: string, expected: unknown, fields: Record<string, unknown> = {}) => ({
  output,
  expected,
  input: 'in',
  fields,
});

describe('custom scorer', () => {
  it('uses the default export, from an absolute path or a file URL', async () => {
    const fromPath = await customScorer();
    expect(await fromPath.score(ctx(' 42 ', '42'))).toEqual({ scorer: 'custom', pass: true, value: 1 });
    const fromUrl = await customScorer(undefined, pathToFileURL(fixture).href);
    expect(await fromUrl.score(ctx('41', '42'))).toEqual({ scorer: 'custom', pass: false, value: 0 });
  });

  it('gives partial credit from a number and passes only at 1', async () => {
    const scorer = await customScorer('wordOverlap');
    expect(await scorer.score(ctx('red and blue', 'red green blue yellow'))).toEqual({
      scorer: 'custom',
      pass: false,
      value: 0.5,
    });
    expect(await scorer.score(ctx('red green blue yellow!', 'red green blue yellow'))).toMatchObject({
      pass: true,
      value: 1,
    });
  });

  it('awaits an async scorer returning { pass, reason } and passes it the dataset fields', async () => {
    const scorer = await customScorer('politeInLanguage');
    expect(await scorer.score(ctx('merci beaucoup', '', { lang: 'fr' }))).toEqual({
      scorer: 'custom',
      pass: true,
      value: 1,
      reason: 'polite',
    });
    expect(await scorer.score(ctx('thanks', '', { lang: 'fr' }))).toMatchObject({
      pass: false,
      value: 0,
      reason: 'not polite in fr',
    });
  });

  it('turns a throwing scorer into a failed score instead of a crash', async () => {
    const scorer = await customScorer('throws');
    expect(await scorer.score(ctx('x', 'y'))).toEqual({
      scorer: 'custom',
      pass: false,
      value: 0,
      reason: 'custom scorer threw: boom',
    });
  });

  it('fails answers it cannot read', async () => {
    expect(await (await customScorer('outOfRange')).score(ctx('x', 'y'))).toMatchObject({
      pass: false,
      reason: /0\.\.1/,
    });
    expect(await (await customScorer('noAnswer')).score(ctx('x', 'y'))).toMatchObject({
      pass: false,
      reason: /expected a boolean/,
    });
  });

  it('rejects a missing export, a non-function export, a missing module and a relative path when building', async () => {
    await expect(customScorer('nope')).rejects.toMatchObject({ code: 'scorer', message: /no function export "nope"/ });
    await expect(customScorer('notAFunction')).rejects.toMatchObject({ code: 'scorer' });
    await expect(customScorer(undefined, `${fixture}.missing.js`)).rejects.toMatchObject({
      code: 'scorer',
      message: /cannot load/,
    });
    await expect(customScorer(undefined, './scorers.js')).rejects.toMatchObject({
      code: 'scorer',
      message: /absolute path/,
    });
  });
});
