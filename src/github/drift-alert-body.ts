import { milliseconds, percent, points, usd } from '../format.js';
import type { DriftVariant, SuiteDrift } from '../history/types.js';
import { escapeMarkdownInline, linkTarget, stripControl } from '../report/escape.js';
import { type MarkdownBlock, textBlock } from '../report/markdown-blocks.js';
import { answerCell, flippedCaseBlocks } from '../report/verdict-markdown.js';
import { commentMarker, fitCommentBody } from './comment.js';

/** A case whose outcome changed between the accepted reference and this run, with this run's answer. */
export interface DriftFlipCase {
  case_id: string;
  input?: string;
  expected?: unknown;
  /** This run's answer; null for an error. */
  output?: string | null;
}

/** Per variant: the cases that flipped since the reference (capped lists, exact totals). */
export interface DriftFlips {
  right_to_wrong: DriftFlipCase[];
  wrong_to_right: DriftFlipCase[];
  right_to_wrong_total: number;
  wrong_to_right_total: number;
}

/** What a drift alert shows: everything comes from this run's results and the history. */
export interface DriftEvidence {
  suite: string;
  drift: SuiteDrift;
  /** This run: its commit and its day (a time would change the issue on every re-run of the same night). */
  commit: string | null;
  date: string;
  runUrl: string | null;
  dashboardUrl: string | null;
  flips: Record<string, DriftFlips>;
}

/** The hidden marker that finds a suite's drift alert again: `<!-- tunegate:drift:SUITE -->`. */
export function driftMarker(suite: string): string {
  return commentMarker('drift', suite);
}

export function alertTitle(suite: string): string {
  return `tunegate: ${stripControl(suite, { singleLine: true }).slice(0, 200)} drifted from its accepted reference`;
}

/** The issue body: marker, what drifted and why, the evidence table, the flipped cases, the links. */
export function alertBody(evidence: DriftEvidence): string {
  const { drift } = evidence;
  const against = drift.against;
  const reference = against
    ? `the accepted reference of ${day(against.date)}${commitText(against.commit)}`
    : 'its reference';
  const lines = [
    `## 🔻 ${escapeMarkdownInline(evidence.suite)} drifted`,
    '',
    `The run of ${day(evidence.date)}${commitText(evidence.commit)} measured a change beyond the suite's bounds against ${reference}.`,
    '',
    '| variant | model | accuracy then → now | difference (95% CI) | McNemar p (Holm) | p95 latency then → now | cost per 1k then → now | drift |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(drift.variants).map(([name, variant]) => variantRow(name, variant)),
    '',
    ...(drift.note ? [`_${escapeMarkdownInline(drift.note, 500)}_`, ''] : []),
    ...Object.entries(drift.variants)
      .filter(([, variant]) => variant.drifted)
      .map(
        ([name, variant]) =>
          `- **${escapeMarkdownInline(name)}**: ${variant.reasons.map((r) => escapeMarkdownInline(r, 300)).join('; ')}`,
      ),
    '',
    links(evidence),
    '',
    '_This issue is updated by every run that still drifts and closed by the first run back within bounds. If the new behaviour is intended, accept it as the reference: run with `accept: true` (CLI: `--accept`)._',
    '',
  ];
  const blocks: MarkdownBlock[] = [textBlock(lines), ...flipSections(evidence.flips)];
  return fitCommentBody(blocks, driftMarker(evidence.suite), {
    pointer:
      '_… the list of flipped cases was shortened to fit an issue; the full lists are in the run’s cases.jsonl._',
  });
}

/** What the comment that closes an alert says. */
export interface RecoveryEvidence {
  suite: string;
  commit: string | null;
  date: string;
  runUrl: string | null;
  /** The run was made with `accept: true`: it is the new reference rather than back within bounds. */
  accepted: boolean;
}

/** The comment that closes an alert. */
export function recoveredComment(evidence: RecoveryEvidence): string {
  const why = evidence.accepted
    ? 'was accepted as the new reference'
    : 'is back within the bounds of the accepted reference';
  return [
    driftMarker(evidence.suite),
    `✅ Recovered: the run of ${day(evidence.date)}${commitText(evidence.commit)} ${why}.`,
    '',
    links({ runUrl: evidence.runUrl, dashboardUrl: null }),
    '',
  ].join('\n');
}

function variantRow(name: string, v: DriftVariant): string {
  const accuracy = `${share(v.accuracy_then)} → ${share(v.accuracy_now)}`;
  const diff =
    v.diff === null
      ? '–'
      : `${points(v.diff)}${v.diff_ci ? ` (${points(v.diff_ci[0])} to ${points(v.diff_ci[1])})` : ''}`;
  const p = `${pValue(v.p_value)} (${pValue(v.p_adjusted)})`;
  const latency = `${milliseconds(v.latency_p95_then)} → ${milliseconds(v.latency_p95_now)}`;
  const cost = `${money(v.cost_per_1k_then)} → ${money(v.cost_per_1k_now)}`;
  const model = v.model_then === v.model_now ? v.model_now : `${v.model_then} → ${v.model_now}`;
  const cells = [escapeMarkdownInline(name), escapeMarkdownInline(model), accuracy, diff, p, latency, cost];
  return `| ${cells.join(' | ')} | ${v.drifted ? '🔻 drift' : 'within bounds'} |`;
}

function flipSections(flips: Record<string, DriftFlips>): MarkdownBlock[] {
  const header = ['| case | input | expected | answer now |', '|---|---|---|---|'];
  return Object.entries(flips).flatMap(([name, flip]) =>
    flippedCaseBlocks(
      name,
      [
        { label: 'right → wrong', cases: flip.right_to_wrong, total: flip.right_to_wrong_total },
        { label: 'wrong → right', cases: flip.wrong_to_right, total: flip.wrong_to_right_total },
      ],
      header,
      (c) => [
        answerCell(c.case_id),
        answerCell(c.input ?? ''),
        answerCell(c.expected ?? ''),
        c.output === null ? '_error_' : answerCell(c.output ?? ''),
      ],
      ' since the reference',
    ),
  );
}

function links(evidence: { runUrl: string | null; dashboardUrl: string | null }): string {
  const run = evidence.runUrl ? linkTarget(evidence.runUrl) : undefined;
  const dashboard = evidence.dashboardUrl ? linkTarget(evidence.dashboardUrl) : undefined;
  return [run ? `[The run](${run})` : undefined, dashboard ? `[Dashboard](${dashboard})` : undefined]
    .filter(Boolean)
    .join(' · ');
}

function day(date: string): string {
  return escapeMarkdownInline(date.slice(0, 10), 20);
}

function commitText(commit: string | null): string {
  return commit ? ` (commit ${escapeMarkdownInline(commit.slice(0, 7), 10)})` : '';
}

function share(value: number | null): string {
  return value === null ? '–' : percent(value);
}

function money(value: number | null): string {
  return value === null ? '–' : usd(value);
}

function pValue(value: number | null): string {
  if (value === null) return '–';
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}
