import { afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { getInputs, parseHistorySetting } from '../../src/github/inputs.js';

describe('the history input', () => {
  it.each([
    ['', { kind: 'branch', branch: 'tunegate-history' }],
    ['branch:evals/history', { kind: 'branch', branch: 'evals/history' }],
    ['branch:refs/heads/gh-pages', { kind: 'branch', branch: 'gh-pages' }],
    ['artifact', { kind: 'artifact', name: 'tunegate-history' }],
    [' none ', { kind: 'none' }],
  ])('reads %j', (raw, setting) => {
    expect(parseHistorySetting(raw)).toEqual(setting);
  });

  it.each([
    ['gh-pages', /expected branch:NAME, artifact or none, got "gh-pages"/],
    ['branch:', /"" is not a branch name/],
    ['branch:a..b', /"a\.\.b" is not a branch name/],
    ['branch:has space', /"has space" is not a branch name/],
    ['branch:x.lock', /is not a branch name/],
    ['branch:-x', /is not a branch name/],
  ])('refuses %j with a message naming the input', (raw, message) => {
    const error = (() => {
      try {
        parseHistorySetting(raw);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as Error).message).toMatch(/^input "history": /);
    expect((error as Error).message).toMatch(message);
  });
});

describe('history-keep and accept', () => {
  const names = ['INPUT_HISTORY', 'INPUT_HISTORY-KEEP', 'INPUT_ACCEPT'];
  afterEach(() => {
    for (const name of names) delete process.env[name];
  });

  it('default to the branch, 365 runs per suite and no acceptance', () => {
    expect(getInputs()).toMatchObject({
      history: { kind: 'branch', branch: 'tunegate-history' },
      historyKeep: 365,
      accept: false,
    });
  });

  it('are read from the workflow', () => {
    process.env['INPUT_HISTORY-KEEP'] = '30';
    process.env.INPUT_ACCEPT = 'true';
    process.env.INPUT_HISTORY = 'none';
    expect(getInputs()).toMatchObject({ history: { kind: 'none' }, historyKeep: 30, accept: true });
  });

  it.each(['0', '-1', '2.5', 'all'])('refuse history-keep %j', (raw) => {
    process.env['INPUT_HISTORY-KEEP'] = raw;
    expect(() => getInputs()).toThrow(/input "history-keep": expected a whole number ≥ (0|1)/);
  });
});
