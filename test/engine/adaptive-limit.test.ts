import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/engine/adaptive-limit.js';

describe('AdaptiveLimit', () => {
  it('halves once for a burst of 429s from attempts that started together', () => {
    const limit = new AdaptiveLimit(256);
    const epoch = limit.epoch;
    for (let i = 0; i < 156; i++) limit.record('rate_limited', epoch);
    expect(limit.value).toBe(128);
    for (let i = 0; i < 100; i++) limit.record('answered', epoch);
    expect(limit.value).toBe(128);
  });

  it('leaves the limit alone for sporadic 429s', () => {
    const limit = new AdaptiveLimit(32);
    for (let i = 0; i < 1000; i++) limit.record(i % 10 === 0 ? 'rate_limited' : 'answered', limit.epoch);
    expect(limit.value).toBe(32);
  });

  it('grows back by one per window of answers, never above the configured limit nor below 1', () => {
    const limit = new AdaptiveLimit(8);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 16; i++) limit.record('rate_limited', limit.epoch);
    }
    expect(limit.value).toBe(1);
    limit.record('answered', limit.epoch);
    expect(limit.value).toBe(2);
    limit.record('answered', limit.epoch);
    expect(limit.value).toBe(2);
    limit.record('answered', limit.epoch);
    expect(limit.value).toBe(3);
    for (let i = 0; i < 1000; i++) limit.record('answered', limit.epoch);
    expect(limit.value).toBe(8);
  });
});
