import type { PruneNote } from '../history/text.js';
import type { DriftVariant, SuiteDrift } from '../history/types.js';
import { escapeMarkdownInline, oneLine } from './escape.js';
import { milliseconds, percent, points, usd } from './format.js';
import type { HistorySummary, SuiteResult } from './types.js';

function against(drift: SuiteDrift): string {
  if (!drift.against) return '';
  const commit = drift.against.commit ? ` (commit ${drift.against.commit.slice(0, 7)})` : '';
  return ` against the accepted run of ${drift.against.date}${commit}`;
}

/** `drift: …` lines of a suite for the console: the status, then why each drifting variant drifted. */
export function driftConsoleLines(suite: SuiteResult): string[] {
  const { drift } = suite;
  if (!drift) return [];
  if (drift.status === 'no-history') return ['  drift: no accepted run to compare with yet'];
  const lines = [
    `  drift: ${drift.status.toUpperCase()}${against(drift)}${drift.fails ? ' — fails this run (decision.fail_on)' : ''}`,
  ];
  for (const [name, variant] of Object.entries(drift.variants)) {
    for (const reason of variant.reasons) lines.push(`    - ${oneLine(name)}: ${oneLine(reason)}`);
  }
  if (drift.note) lines.push(`    note: ${oneLine(drift.note)}`);
  return lines;
}

/** What the run did with its history, for the console (problems go to stderr as warnings). */
export function historyConsoleLines(history: HistorySummary | undefined): string[] {
  if (!history) return [];
  const accepted = history.accepted.length > 0 ? `; accepted reference of ${history.accepted.join(', ')}` : '';
  return [
    `history: ${oneLine(history.file)} — ${history.runs_read} run(s) read, ${history.appended} appended${accepted}`,
    ...prunedLines(history.pruned, history.keep),
  ];
}

/** One line per suite whose old runs were pruned. */
export function prunedLines(pruned: readonly PruneNote[], keep: number): string[] {
  return pruned.map(
    (p) =>
      `history: pruned ${p.removed} run(s) of ${oneLine(p.suite)} from ${p.from} to ${p.through}, keeping ${p.kept} (history-keep ${keep}; the accepted reference is always kept)`,
  );
}

/** `file:line:1 message` of every history problem. */
export function historyProblemLines(history: HistorySummary | undefined): string[] {
  return (history?.problems ?? []).map((p) => `${history?.file}:${p.line}:1 ${oneLine(p.message)}`);
}

function change(then: number | null, now: number | null, show: (value: number | null) => string): string {
  return then === null && now === null ? '–' : `${show(then)} → ${show(now)}`;
}

function accuracyCell(v: DriftVariant): string {
  if (v.diff === null || v.diff_ci === null)
    return change(v.accuracy_then, v.accuracy_now, (x) => (x === null ? '–' : percent(x)));
  return `${percent(v.accuracy_then ?? 0)} → ${percent(v.accuracy_now ?? 0)}, ${points(v.diff)} [${points(v.diff_ci[0])}, ${points(v.diff_ci[1])}]`;
}

/** The drift of a suite as Markdown: a status line and one row per variant. */
export function driftMarkdown(suite: Pick<SuiteResult, 'drift'>): string[] {
  const { drift } = suite;
  if (!drift) return [];
  if (drift.status === 'no-history') return ['**Drift**: no accepted run to compare with yet.', ''];
  const icon = drift.status === 'drift' ? '⚠️ ' : '';
  const lines = [
    `**Drift**: ${icon}${drift.status}${escapeMarkdownInline(against(drift))}${drift.fails ? ' · ❌ fails this run (decision.fail_on)' : ''}`,
    '',
    '| variant | model | accuracy then → now, diff [CI] | McNemar p (Holm) | p95 | cost / 1k req | drifted |',
    '|---|---|---|--:|---|---|---|',
  ];
  for (const [name, v] of Object.entries(drift.variants)) {
    const model = v.model_then === v.model_now ? v.model_now : `${v.model_then} → ${v.model_now}`;
    const p = v.p_value === null ? '–' : `${v.p_value.toPrecision(2)} (${(v.p_adjusted ?? v.p_value).toPrecision(2)})`;
    lines.push(
      `| ${escapeMarkdownInline(name)} | ${escapeMarkdownInline(model)} | ${accuracyCell(v)} (${v.common_cases} paired) | ${p} | ${change(v.latency_p95_then, v.latency_p95_now, milliseconds)} | ${change(v.cost_per_1k_then, v.cost_per_1k_now, usd)} | ${v.drifted ? '⚠️ yes' : 'no'} |`,
    );
  }
  lines.push('');
  if (drift.note) lines.push(`<sub>${escapeMarkdownInline(drift.note, 600)}</sub>`, '');
  return lines;
}
