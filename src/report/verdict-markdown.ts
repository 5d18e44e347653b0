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
    const groups = [
      ['right → wrong', flipped.right_to_wrong, comparison.counts.n10],
      ['wrong → right', flipped.wrong_to_right, comparison.counts.n01],
    ] as const;
    for (const [label, cases, total] of groups) {
      if (total === 0) continue;
      const shown = cases.length < total ? ` (first ${cases.length})` : '';
      blocks.push({
        kind: 'details',
        summary: `${escapeMarkdownInline(name)}: ${total} cases went ${label}${shown}`,
        header: [
          `| case | input | expected | ${escapeMarkdownInline(comparison.baseline)} | ${escapeMarkdownInline(name)} |`,
          '|---|---|---|---|---|',
        ],
        rows: cases.map(
          (c) =>
            `| ${answerCell(c.case_id)} | ${answerCell(c.input)} | ${answerCell(c.expected)} | ${answerCell(c.baseline_output)} | ${answerCell(c.candidate_output)} |`,
        ),
      });
    }
  }
  return blocks;
}
