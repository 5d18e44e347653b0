import { describe, expect, it } from 'vitest';
import { parseSimConfig } from '../../src/sim/config.js';

describe('the batch section of a simulator config', () => {
  it('reads durations, expiry and failing lines', () => {
    const config = parseSimConfig(
      {
        models: {},
        batch: {
          validating_ms: 10,
          in_progress_ms: 20,
          finalizing_ms: 5,
          expire_after_lines: 3,
          expire_models: ['m'],
          fail_every: 7,
          fail_custom_ids: ['k'],
        },
      },
      'sim.yaml',
    );
    expect(config.batch).toEqual({
      validating_ms: 10,
      in_progress_ms: 20,
      finalizing_ms: 5,
      expire_after_lines: 3,
      expire_models: ['m'],
      fail_every: 7,
      fail_custom_ids: ['k'],
    });
  });

  it('names every bad key and value', () => {
    const parse = () =>
      parseSimConfig(
        {
          models: {},
          batch: { validating_ms: -1, fail_every: 0, expire_after_lines: 1.5, expire_models: 'm', slow: 1 },
        },
        'sim.yaml',
      );
    expect(parse).toThrow(/batch\.slow: unknown key/);
    expect(parse).toThrow(/batch\.validating_ms: must be a number ≥ 0, got -1/);
    expect(parse).toThrow(/batch\.fail_every: must be a number ≥ 1, got 0/);
    expect(parse).toThrow(/batch\.expire_after_lines: must be an integer, got 1\.5/);
    expect(parse).toThrow(/batch\.expire_models: must be a list of strings/);
  });
});
