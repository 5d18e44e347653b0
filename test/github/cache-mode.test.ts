import { afterEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { cacheModeFor, getInputs } from '../../src/github/inputs.js';

const NAME = 'INPUT_CACHE-MODE';

afterEach(() => {
  delete process.env[NAME];
});

describe('the cache-mode input', () => {
  it('refreshes on schedule and workflow_dispatch by default (auto), and uses the cache on other events', () => {
    expect(getInputs().cacheMode).toBe('auto');
    expect(cacheModeFor('auto', 'schedule')).toBe('refresh');
    expect(cacheModeFor('auto', 'workflow_dispatch')).toBe('refresh');
    expect(cacheModeFor('auto', 'pull_request')).toBe('use');
    expect(cacheModeFor('auto', 'push')).toBe('use');
  });

  it('says otherwise when set, on any event', () => {
    for (const mode of ['use', 'refresh', 'off'] as const) {
      process.env[NAME] = mode;
      expect(getInputs().cacheMode).toBe(mode);
      expect(cacheModeFor(mode, 'schedule')).toBe(mode);
      expect(cacheModeFor(mode, 'pull_request')).toBe(mode);
    }
  });

  it('refuses an unknown mode, naming the input and the choices', () => {
    process.env[NAME] = 'sometimes';
    expect(() => getInputs()).toThrow(TunegateError);
    expect(() => getInputs()).toThrow('input "cache-mode": expected one of auto, use, refresh, off, got "sometimes"');
  });
});
