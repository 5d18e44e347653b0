/** Fireworks names its own models `accounts/fireworks/models/<name>`; price tables know them as `<name>`. */
export const FIREWORKS_MODEL_PREFIX = 'accounts/fireworks/models/';
/** A snapshot date at the end of an id: `-2025-04-14` or `-20250414`. */
const SNAPSHOT_DATE = /-\d{4}-?\d{2}-?\d{2}$/;

/**
 * The key two ids share when they name the same model: case, Fireworks' account prefix and a snapshot
 * date aside (`gpt-4.1-2025-04-14` and `gpt-4.1`; `accounts/fireworks/models/qwen3-8b` and `qwen3-8b`).
 */
export function sameModelKey(id: string): string {
  const lower = id.trim().toLowerCase();
  const bare = lower.startsWith(FIREWORKS_MODEL_PREFIX) ? lower.slice(FIREWORKS_MODEL_PREFIX.length) : lower;
  return bare.replace(SNAPSHOT_DATE, '');
}

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/** `gpt-4.1-2025-04-14` → `gpt-4.1`; other ids unchanged. */
export function withoutDate(model: string): string {
  return model.replace(DATE_SUFFIX, '');
}

/** The base model of a fine-tuned id (`ft:<base>:org:suffix:id`), without its date; null for other ids. */
export function fineTunedBase(model: string): string | null {
  if (!model.startsWith('ft:')) return null;
  const base = model.split(':')[1];
  return base ? withoutDate(base) : null;
}
