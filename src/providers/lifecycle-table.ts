/**
 * OpenAI's announced model shutdowns, for when the provider's `GET /models/{id}` does not say (the
 * route or the `shutdown_date` field missing, the model already gone). Applies only to providers on
 * the `openai` platform (see platform.ts).
 *
 * Upkeep: a date that has passed must carry `shut_down: true` (test/providers/lifecycle-table.test.ts
 * fails otherwise), so the table is read again at least at every shutdown it lists.
 *
 * Undated aliases (`gpt-4.1`) are listed next to their snapshots only when every snapshot the alias can
 * point to shuts down on that date: the alias then has nothing left to be served by. `gpt-4o` points to
 * `gpt-4o-2024-08-06`, so it goes with that snapshot, not with `gpt-4o-2024-05-13`. A dated id not
 * listed here is never matched by stripping its date: another snapshot may have another date.
 */

export interface LifecycleEntry {
  /** Ids this date applies to: snapshots, and aliases that point only at them. */
  models: readonly string[];
  /** YYYY-MM-DD, the first day the models no longer answer. */
  shutdown_date: string;
  /** What OpenAI recommends instead, when its page names one. */
  replacement: string | null;
  /** Set once the date has passed and the table was checked since. */
  shut_down?: true;
  source: string;
  /** YYYY-MM-DD the source was last read. */
  checked: string;
}

const DEPRECATIONS_PAGE = 'OpenAI "Deprecations" page, https://developers.openai.com/api/docs/deprecations';

function entry(
  models: readonly string[],
  shutdown_date: string,
  replacement: string | null,
  extra: { shut_down?: true } = {},
): LifecycleEntry {
  return { models, shutdown_date, replacement, ...extra, source: DEPRECATIONS_PAGE, checked: '2026-12-02' };
}

/** Fine-tunes stop with their base: look a fine-tune up by its base (see baseModelOf). */
export const OPENAI_LIFECYCLE: readonly LifecycleEntry[] = [
  entry(['gpt-4.1-nano', 'gpt-4.1-nano-2025-04-14'], '2026-10-23', null, { shut_down: true }),
  entry(['gpt-4o-2024-05-13'], '2026-10-23', null, { shut_down: true }),
  entry(['o1', 'o1-2024-12-17'], '2026-10-23', null, { shut_down: true }),
  entry(['o3-mini', 'o3-mini-2025-01-31'], '2026-10-23', null, { shut_down: true }),
  entry(['o4-mini', 'o4-mini-2025-04-16'], '2026-10-23', null, { shut_down: true }),
  entry(['gpt-3.5-turbo', 'gpt-3.5-turbo-0125'], '2026-10-23', null, { shut_down: true }),
  entry(['gpt-4', 'gpt-4-0613'], '2026-10-23', null, { shut_down: true }),
  entry(['gpt-4-turbo', 'gpt-4-turbo-2024-04-09'], '2026-10-23', null, { shut_down: true }),
  entry(['gpt-5', 'gpt-5-2025-08-07'], '2026-12-11', 'gpt-6.1-sol'),
  entry(['gpt-5-mini', 'gpt-5-mini-2025-08-07'], '2026-12-11', 'gpt-6.1-terra'),
  entry(['gpt-5-nano', 'gpt-5-nano-2025-08-07'], '2026-12-11', null),
  entry(['o3', 'o3-2025-04-16'], '2026-12-11', null),
  entry(['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'], '2027-01-14', 'gpt-6-luna'),
  entry(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], '2027-01-14', 'gpt-6-luna'),
  entry(['gpt-4.1', 'gpt-4.1-2025-04-14'], '2027-01-14', 'gpt-6-luna'),
  entry(['gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'], '2027-01-14', 'gpt-6-luna'),
  entry(['gpt-5.1', 'gpt-5.1-2025-11-13'], '2027-04-01', null),
];

/** The table's entry for an exact model id, if it lists one. */
export function builtInLifecycle(model: string): LifecycleEntry | undefined {
  return OPENAI_LIFECYCLE.find((e) => e.models.includes(model));
}
