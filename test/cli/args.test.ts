import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { TunegateError } from '../../src/errors.js';

function usageErrorOf(argv: string[]): TunegateError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof TunegateError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it('applies defaults for run', () => {
    expect(parseCommandLine(['run', 'evals/*.yaml'])).toEqual({
      command: 'run',
      options: {
        suites: ['evals/*.yaml'],
        out: 'tunegate-results',
        cacheDir: '.tunegate/cache',
        cacheMode: 'use',
        maxCostUsd: undefined,
        concurrency: undefined,
        simulate: false,
        simConfig: undefined,
        markdown: undefined,
        junit: undefined,
        reference: undefined,
        history: undefined,
        fragility: true,
        sequential: false,
        quiet: false,
      },
    });
    expect(parseCommandLine(['run', 'a.yaml', '--no-fragility']).options).toMatchObject({ fragility: false });
    expect(parseCommandLine(['run', 'a.yaml', '--sequential']).options).toMatchObject({ sequential: true });
  });

  it('reads the history options, with 365 runs kept per suite by default', () => {
    expect(parseCommandLine(['run', 'a.yaml', '--history', 'h.jsonl']).options).toMatchObject({
      history: { path: 'h.jsonl', accept: false, keep: 365 },
    });
    expect(
      parseCommandLine(['run', 'a.yaml', '--history', 'h.jsonl', '--accept', '--history-keep', '30']).options,
    ).toMatchObject({ history: { path: 'h.jsonl', accept: true, keep: 30 } });
  });

  it('reads every run option', () => {
    const parsed = parseCommandLine([
      'run',
      'a.yaml',
      'b.yaml',
      '--out',
      'o',
      '--no-cache',
      '--max-cost-usd',
      '2.5',
      '--concurrency',
      '16',
      '--sim-config',
      'sim.yaml',
      '--markdown',
      'sum.md',
      '--quiet',
    ]);
    expect(parsed.options).toMatchObject({
      suites: ['a.yaml', 'b.yaml'],
      out: 'o',
      cacheMode: 'off',
      maxCostUsd: 2.5,
      concurrency: 16,
      simulate: true,
      simConfig: 'sim.yaml',
      markdown: 'sum.md',
      quiet: true,
    });
  });

  it('reads --cache use|refresh|off, keeps --no-cache as off, and --cache-dir beside either', () => {
    const cacheOf = (argv: string[]) => {
      const { cacheDir, cacheMode } = parseCommandLine(argv).options as { cacheDir: string; cacheMode: string };
      return { cacheDir, cacheMode };
    };
    expect(cacheOf(['run', 'a.yaml', '--cache', 'refresh'])).toEqual({
      cacheDir: '.tunegate/cache',
      cacheMode: 'refresh',
    });
    expect(cacheOf(['run', 'a.yaml', '--cache', 'use', '--cache-dir', 'c'])).toEqual({
      cacheDir: 'c',
      cacheMode: 'use',
    });
    expect(cacheOf(['run', 'a.yaml', '--cache', 'off'])).toMatchObject({ cacheMode: 'off' });
    expect(cacheOf(['run', 'a.yaml', '--no-cache'])).toMatchObject({ cacheMode: 'off' });
    expect(cacheOf(['run', 'a.yaml', '--no-cache', '--cache', 'off'])).toMatchObject({ cacheMode: 'off' });
    expect(cacheOf(['promote', 's.yaml', '--model', 'm', '--cache', 'refresh'])).toMatchObject({
      cacheMode: 'refresh',
    });
  });

  it.each([
    [['run', 'a.yaml', '--cache', 'sometimes'], /--cache expects one of use, refresh, off, got "sometimes"/],
    [['run', 'a.yaml', '--no-cache', '--cache', 'refresh'], /--no-cache contradicts --cache refresh/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run'], /needs at least one suite/],
    [['run', 'a.yaml', '--max-cost-usd', 'lots'], /--max-cost-usd expects a number ≥ 0, got "lots"/],
    [['run', 'a.yaml', '--concurrency', '2.5'], /--concurrency expects a whole number/],
    [['run', 'a.yaml', '--bogus'], /Unknown option '--bogus'/],
    [['run', 'a.yaml', '--accept'], /--accept needs --history FILE/],
    [['run', 'a.yaml', '--history-keep', '5'], /--history-keep needs --history FILE/],
    [['run', 'a.yaml', '--history', 'h', '--history-keep', '0'], /--history-keep expects a whole number ≥ 1/],
  ])('rejects %j with exit code 2', (argv, message) => {
    const error = usageErrorOf(argv);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it('parses sim options', () => {
    expect(parseCommandLine(['sim', '--dataset', 'd.jsonl', '--port', '0'])).toEqual({
      command: 'sim',
      options: { dataset: 'd.jsonl', config: undefined, port: 0 },
    });
  });
});
