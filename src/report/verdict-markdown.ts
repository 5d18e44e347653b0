import type { VerdictName } from '../suite/types.js';
import { escapeMarkdownInline } from './escape.js';
import { milliseconds, percent, points, usd } from './format.js';
import type { MarkdownBlock } from './markdown-blocks.js';
import type { SuiteResult } from './types.js';

export const VERDICT_TITLES: Record<VerdictName, string> = {
  switch: '✅ Switch to the fine-tuned model',
  'keep-prompting': '✋ Keep prompting',
  'fine-tune': '🛠️ Time to fine-tune',
  retrain: '🔄 Retrain the fine-tuned model',
  inconclusive: '❔ Inconclusive',
};

/** The verdict block that opens each suite's section. */
export function verdictBlock(suite: SuiteResult): string[] {
  const { verdict } = suite;
  const subject = verdict.candidate
    ? `**${escapeMarkdownInline(verdict.candidate)}** vs **${escapeMarkdownInline(verdict.baseline)}**`
    : `**${escapeMarkdownInline(verdict.baseline)}**`;
  const confidence = verdict.confidence === null ? '' : ` · confidence ${percent(verdict.confidence)}`;
  const policy = verdict.fails ? ' · ❌ fails this run (decision.fail_on)' : '';
  return [
    `> **${VERDICT_TITLES[verdict.decision]}** — ${subject}${confidence}${policy}`,
    '>',
    ...verdict.reasons.map((reason) => `> - ${escapeMarkdownInline(reason, 600)}`),
    '',
  ];
}

export function economicsTable(suite: SuiteResult): string[] {
  const e = suite.economics;
  const rows = [
    `| monthly requests | ${e.monthly_requests.toLocaleString('en-US')} |`,
    `| monthly savings | ${usd(e.monthly_savings_usd)} |`,
    `| training cost | ${usd(e.training_cost_usd)}${e.training_cost_basis === 'estimated' ? ` (estimated from ${e.training_tokens?.toLocaleString('en-US')} training tokens)` : e.training_cost_basis === 'given' ? ' (given)' : ''} |`,
    `| break-even | ${e.break_even_requests === null ? '–' : `${e.break_even_requests.toLocaleString('en-US')} requests`} |`,
    `| payback | ${e.payback_months === null ? '–' : `${e.payback_months.toFixed(1)} months`} |`,
    `| p95 latency change | ${e.latency_p95_change_ms === null ? '–' : `${e.latency_p95_change_ms <= 0 ? '−' : '+'}${milliseconds(Math.abs(e.latency_p95_change_ms))}`}${e.latency_objective_p95_ms === null ? '' : ` (objective ${milliseconds(e.latency_objective_p95_ms)})`} |`,
  ];
  return ['| economics | |', '|---|--:|', ...rows, ''];
}

export function comparisonTable(suite: SuiteResult): string[] {
  const entries = Object.values(suite.comparison);
  if (entries.length === 0) return [];
  const lines = [
    `| vs ${escapeMarkdownInline(suite.verdict.baseline)} | Δ accuracy | ${percent(entries[0]?.confidence ?? 0.95, 0)} CI | bootstrap CI | McNemar p | right → wrong | wrong → right | within ${points(-(entries[0]?.margin ?? 0))}? |`,
    '|---|--:|---|---|--:|--:|--:|---|',
  ];
  for (const c of entries) {
    const reading = c.non_inferior
      ? 'yes'
      : c.worse_beyond_margin
        ? 'no, worse'
        : `undecided${c.additional_cases_needed ? ` (~${c.additional_cases_needed.toLocaleString('en-US')} more cases)` : ''}`;
    lines.push(
      `| ${escapeMarkdownInline(c.candidate)} | ${points(c.accuracy_diff)} | ${points(c.accuracy_diff_ci[0])} to ${points(c.accuracy_diff_ci[1])} | ${points(c.accuracy_diff_bootstrap_ci[0])} to ${points(c.accuracy_diff_bootstrap_ci[1])} | ${c.mcnemar_p_value.toPrecision(3)} | ${c.counts.n10} | ${c.counts.n01} | ${reading} |`,
    );
  }
  return [...lines, ''];
}

/** A model's answer or a dataset value as a table cell: JSON for non-strings, escaped and clipped. */
export function answerCell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return escapeMarkdownInline(text ?? '', 160);
}

/** Collapsed lists of the cases each comparison flipped; escaped so outputs cannot close the <details>. */
export function flippedSections(suite: SuiteResult): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  for (const [name, flipped] of Object.entries(suite.flipped_cases)) {
    const comparison = suite.comparison[name];
    if (!comparison) continue;
    const header = [
      `| case | input | expected | ${escapeMarkdownInline(comparison.baseline)} | ${escapeMarkdownInline(name)} |`,
      '|---|---|---|---|---|',
    ];
    const groups = [
      { label: 'right → wrong', cases: flipped.right_to_wrong, total: comparison.counts.n10 },
      { label: 'wrong → right', cases: flipped.wrong_to_right, total: comparison.counts.n01 },
    ];
    blocks.push(
      ...flippedCaseBlocks(name, groups, header, (c) =>
        [c.case_id, c.input, c.expected, c.baseline_output, c.candidate_output].map(answerCell),
      ),
    );
  }
  return blocks;
}

/** A group of flipped cases: the shown cases (capped) and how many there are in all. */
export interface FlipGroup<T> {
  label: string;
  cases: readonly T[];
  total: number;
}

/** One collapsed table per non-empty group, saying when only the first cases are shown. */
export function flippedCaseBlocks<T>(
  name: string,
  groups: readonly FlipGroup<T>[],
  header: string[],
  cells: (flipped: T) => string[],
  since = '',
): MarkdownBlock[] {
  return groups
    .filter((group) => group.total > 0)
    .map(({ label, cases, total }) => ({
      kind: 'details' as const,
      summary: `${escapeMarkdownInline(name)}: ${total} cases went ${label}${since}${cases.length < total ? ` (first ${cases.length})` : ''}`,
      header,
      rows: cases.map((c) => `| ${cells(c).join(' | ')} |`),
    }));
}
