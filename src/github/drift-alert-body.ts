import type { SuiteDrift } from '../history/types.js';
import { driftMarkdown } from '../report/drift-report.js';
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
  /** The workflow run (all its attempts), marked in the body so that a re-run leaves the alert as it is. */
  runId: string | null;
}

/** The hidden marker that finds a suite's drift alert again: `<!-- tunegate:drift:SUITE -->`. */
export function driftMarker(suite: string): string {
  return commentMarker('drift', suite);
}

/** The hidden line that names the workflow run that last wrote an alert. */
export function alertRunMarker(runId: string): string {
  return `<!-- tunegate:drift-run:${runId.replace(/[^\w.-]/g, '_')} -->`;
}

export function alertTitle(suite: string): string {
  return `tunegate: ${stripControl(suite, { singleLine: true }).slice(0, 200)} drifted from its accepted reference`;
}

/** The issue body: marker, what drifted and why, the evidence table, the flipped cases, the links. */
export function alertBody(evidence: DriftEvidence): string {
  const { drift } = evidence;
  const lines = [
    `## 🔻 ${escapeMarkdownInline(evidence.suite)} drifted`,
    '',
    `The run of ${day(evidence.date)}${commitText(evidence.commit)} measured a change beyond the suite's bounds.`,
    '',
    ...driftMarkdown({ drift }),
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
    ...(evidence.runId ? [alertRunMarker(evidence.runId)] : []),
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
