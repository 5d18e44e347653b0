import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/providers/lifecycle.js';
import { builtInLifecycle, OPENAI_LIFECYCLE } from '../../src/providers/lifecycle-table.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

describe('the built-in table of OpenAI shutdowns', () => {
  it('is kept up to date: a date that has passed is marked shut_down (read the deprecations page again)', () => {
    // On the real clock on purpose: this test exists to fail when the table is out of date.
    const today = dayOf(new Date());
    const stale = OPENAI_LIFECYCLE.filter((e) => e.shutdown_date <= today && e.shut_down !== true).map(
      (e) => `${e.models.join(', ')} (${e.shutdown_date})`,
    );
    expect(stale, `past shutdowns not marked shut_down: true; check ${OPENAI_LIFECYCLE[0]?.source}`).toEqual([]);
  });

  it('gives every date a source and an as-of date, and marks only past dates as shut down', () => {
    for (const entry of OPENAI_LIFECYCLE) {
      expect(entry.shutdown_date).toMatch(DATE);
      expect(entry.checked).toMatch(DATE);
      expect(entry.source).toMatch(/developers\.openai\.com\/api\/docs\/deprecations/);
      if (entry.shut_down) expect(entry.shutdown_date <= entry.checked).toBe(true);
    }
  });

  it('lists each model once, with the dates of the issue (aliases with their only snapshots)', () => {
    const ids = OPENAI_LIFECYCLE.flatMap((e) => e.models);
    expect(new Set(ids).size).toBe(ids.length);
    const dateOf = (id: string) => builtInLifecycle(id)?.shutdown_date;
    expect(dateOf('gpt-4.1-nano-2025-04-14')).toBe('2026-10-23');
    expect(dateOf('gpt-4.1-nano')).toBe('2026-10-23');
    for (const id of ['gpt-5', 'gpt-5-mini-2025-08-07', 'gpt-5-nano', 'o3-2025-04-16'])
      expect(dateOf(id)).toBe('2026-12-11');
    for (const id of [
      'gpt-4o-2024-08-06',
      'gpt-4o-2024-11-20',
      'gpt-4o-mini-2024-07-18',
      'gpt-4.1-2025-04-14',
      'gpt-4.1-mini-2025-04-14',
      'gpt-4.1',
    ]) {
      expect(dateOf(id)).toBe('2027-01-14');
    }
    expect(dateOf('gpt-5.1')).toBe('2027-04-01');
    // A dated id the table does not list is not matched by its name without the date.
    expect(builtInLifecycle('gpt-4.1-2099-01-01')).toBeUndefined();
    expect(builtInLifecycle('gpt-5.5')).toBeUndefined();
  });
});
