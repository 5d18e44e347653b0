import type { SuiteResult, VariantLifecycle } from './types.js';

function inDays(days: number): string {
  return days === 1 ? 'in 1 day' : `in ${days} days`;
}

function ago(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/**
 * What a variant's model shutdown means, in one sentence (null without an announced date), e.g.
 * "gpt-4.1-2025-04-14 shuts down on 2027-01-14, in 43 days (OpenAI's deprecations page); fine-tunes
 * built on it stop the same day; OpenAI suggests gpt-6-luna". `code` marks up model ids.
 */
export function lifecycleSentence(
  variantModel: string,
  lifecycle: VariantLifecycle,
  code: (id: string) => string = (id) => id,
): string | null {
  const { shutdown_date: date, days_left: days } = lifecycle;
  if (date === null || days === null) return null;
  const inherited = lifecycle.model !== variantModel;
  const subject = inherited
    ? `${code(variantModel)} is built on ${code(lifecycle.model)}, which`
    : code(lifecycle.model);
  const source = lifecycle.source === 'provider' ? "the provider's date" : "OpenAI's deprecations page";
  const suggest = lifecycle.replacement ? `OpenAI suggests ${code(lifecycle.replacement)}` : '';
  if (days <= 0) {
    const consequence = inherited
      ? 'the fine-tune stopped with it, so every call to it fails; train again on a served base or choose another model'
      : 'every call to it fails; choose a served model';
    return `${subject} shut down on ${date} (${ago(-days)}, ${source}); ${consequence}${suggest ? ` (${suggest})` : ''}`;
  }
  const fineTunes = inherited ? 'the fine-tune stops the same day' : 'fine-tunes built on it stop the same day';
  return `${subject} shuts down on ${date}, ${inDays(days)} (${source}); ${fineTunes}${suggest ? `; ${suggest}` : ''}`;
}

/** One line per variant whose model has an announced shutdown (none for the others), marked up by `line`. */
export function lifecycleLines(
  suite: SuiteResult,
  line: (variant: string, sentence: string, shutDown: boolean) => string,
  code?: (id: string) => string,
): string[] {
  const lines: string[] = [];
  for (const [name, variant] of Object.entries(suite.variants)) {
    const sentence = variant.lifecycle && lifecycleSentence(variant.model, variant.lifecycle, code);
    if (sentence) lines.push(line(name, sentence, (variant.lifecycle?.days_left ?? 1) <= 0));
  }
  return lines;
}
