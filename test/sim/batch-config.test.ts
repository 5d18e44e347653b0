import { describe, expect, it } from 'vitest';
import { parseSimConfig } from '../../src/sim/config.js';

describe('the batch section of a simulator config', () => {
  it('reads durations, expiry and failing lines', () => {
    const batch = {
      validating_ms: 10,
      in_progress_ms: 20,
      finalizing_ms: 5,
      expire_after_lines: 3,
      expire_models: ['m'],
      fail_every: 7,
      fail_custom_ids: ['k'],
    };
    // A copy in, so the check is on what the parser returns, not on the object passed to it.
    const config = parseSimConfig({ models: {}, batch: structuredClone(batch) }, 'sim.yaml');
    expect(config.batch).toEqual(batch);
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
