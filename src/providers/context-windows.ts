import { fineTunedBase, withoutDate } from './model-ids.js';

/**
 * Context windows in tokens (prompt and completion together), from OpenAI's model pages
 * (platform.openai.com/docs/models), as published in late 2026. A fine-tuned model has its base's window;
 * dated snapshots have their family's.
 */
const CONTEXT_WINDOWS: Record<string, number> = {
  'gpt-4.1': 1_047_576,
  'gpt-4.1-mini': 1_047_576,
  'gpt-4.1-nano': 1_047_576,
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-5': 400_000,
  'gpt-5.1': 400_000,
  'gpt-5-mini': 400_000,
  'gpt-5-nano': 400_000,
  o3: 200_000,
  'o4-mini': 200_000,
};

/** The context window of a known model, or null (unknown models are not checked). */
export function contextWindowOf(model: string): number | null {
  const base = fineTunedBase(model) ?? withoutDate(model);
  return CONTEXT_WINDOWS[base] ?? null;
}
