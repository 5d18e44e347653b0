import { describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/github/comment.js';
import {
  fitCommentBody,
  fitJobSummary,
  GITHUB_COMMENT_LIMIT,
  GITHUB_SUMMARY_LIMIT,
} from '../../src/github/comment-fit.js';
import { renderMarkdownBlocks } from '../../src/report/markdown.js';
import { type MarkdownBlock, renderBlocks } from '../../src/report/markdown-blocks.js';
import { comparedResults } from '../report/fixtures.js';
import { fragileCase, fragilityResults } from '../report/fragility-fixtures.js';

const POINTER = '… truncated: the full report is in the job summary and the tunegate-results artifact';
const MARKER = commentMarker('ci', 'pr');

const text = (...lines: string[]): MarkdownBlock => ({ kind: 'text', lines: [...lines, ''] });
const chart = (name: string): MarkdownBlock => ({
  kind: 'chart',
  lines: ['```mermaid', 'quadrantChart', `  ${name}: [0.5, 0.5]`, ...Array(20).fill('  %% padding'), '```', ''],
});
function details(title: string, rows: number, rowText = 'x'.repeat(40)): MarkdownBlock {
  return {
    kind: 'details',
    summary: title,
    header: ['| # | case |', '|---|---|'],
    rows: Array.from({ length: rows }, (_, i) => `| ${i} | ${rowText} |`),
  };
}
type DetailsBlock = Extract<MarkdownBlock, { kind: 'details' }>;
const whole = (blocks: MarkdownBlock[]) => `${MARKER}\n${renderBlocks(blocks)}`;

/** Every `<details>` closed and no code fence left open (``` lines toggle). */
function expectBalanced(body: string) {
  expect(body.match(/<details>/g)?.length ?? 0).toBe(body.match(/<\/details>/g)?.length ?? 0);
  expect(body.split('\n').filter((line) => /^`{3,}/.test(line)).length % 2).toBe(0);
}

/** Rows shown in each collapsed section of a body, by its summary. */
function rowsBySection(body: string): Map<string, number> {
  const sections = new Map<string, number>();
  for (const match of body.matchAll(/<summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g)) {
    const rows = (match[2] ?? '').split('\n').filter((line) => line.startsWith('| ') && !/^\| (#|case) \|/.test(line));
    sections.set(match[1] as string, rows.length);
  }
  return sections;
}

describe('fitCommentBody', () => {
  it('keeps a short report as it is, the marker on the first line', () => {
    const blocks = [text('## tunegate', '', '| a | b |', '|---|---|', '| 1 | 2 |'), details('cases', 3)];
    expect(fitCommentBody(blocks, MARKER, { pointer: POINTER })).toBe(whole(blocks));
  });

  it('shows fewer rows in every collapsed section, the same number each, before dropping any', () => {
    const blocks = [text('## Verdict: ship it'), details('first', 20), details('second', 20), details('third', 20)];
    const limit = whole(blocks).length - 500;
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit });
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body.startsWith(`${MARKER}\n## Verdict: ship it\n`)).toBe(true);
    expect(body.endsWith(`\n\n${POINTER}`)).toBe(true);
    const rows = rowsBySection(body);
    expect([...rows.keys()]).toEqual(['first', 'second', 'third']);
    const shown = rows.get('first') as number;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(20);
    expect([...rows.values()]).toEqual([shown, shown, shown]);
    expect(body.match(new RegExp(`_${20 - shown} more rows not shown here\\._`, 'g'))).toHaveLength(3);
    expect(body).toContain(`| 0 | ${'x'.repeat(40)} |`);
    expectBalanced(body);
  });

  it('drops whole sections, the last first, when one row each does not fit', () => {
    const row = 'y'.repeat(2_000);
    const blocks = [text('## Verdict'), details('first', 5, row), details('second', 5, row), details('third', 5, row)];
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: 5_000 });
    expect(body.length).toBeLessThanOrEqual(5_000);
    expect([...rowsBySection(body).entries()]).toEqual([
      ['first', 1],
      ['second', 1],
    ]);
    expectBalanced(body);
  });

  it('keeps the text between and after the sections it drops', () => {
    const blocks = [text('## suite one'), details('one', 40), text('## suite two'), details('two', 40), text('footer')];
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: 150 });
    expect(body).toBe(`${MARKER}\n## suite one\n\n## suite two\n\nfooter\n\n${POINTER}`);
  });

  it('drops charts after every collapsed section, the last first, then cuts the text after a whole line', () => {
    const blocks = [text('## a'), chart('first'), details('cases', 10), text('## b'), chart('second')];
    const withCharts = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: whole(blocks).length - 200 });
    expect(withCharts).toContain('first: [0.5, 0.5]');
    expect(withCharts).toContain('second: [0.5, 0.5]');
    const oneChart = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: whole(blocks).length - 700 });
    expect(oneChart).not.toContain('<details>');
    expect(oneChart).toContain('first: [0.5, 0.5]');
    expect(oneChart).not.toContain('second: [0.5, 0.5]');
    expectBalanced(oneChart);
    const longText = [text(...Array.from({ length: 300 }, (_, i) => `| row ${i} | ${'w'.repeat(40)} |`)), chart('c')];
    const cut = fitCommentBody(longText, MARKER, { pointer: POINTER, limit: 5_000 });
    expect(cut.length).toBeLessThanOrEqual(5_000);
    expect(cut.length).toBeGreaterThan(4_900);
    expect(cut).not.toContain('```');
    expect(cut).toMatch(/\| w{40} \|\n\n… truncated/);
  });

  it('stays within the limit for every limit, even when a single line is too long', () => {
    const blocks = [text('short', 'a'.repeat(3_000)), details('one', 30), chart('c'), text('b'.repeat(400))];
    for (let limit = 200; limit < whole(blocks).length + 200; limit += 97) {
      const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit });
      expect(body.length).toBeLessThanOrEqual(limit);
      expect(body.startsWith(`${MARKER}\n`)).toBe(true);
      expectBalanced(body);
    }
    expect(() => fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: 50 })).toThrow(RangeError);
  });

  it('defaults to GitHub’s 65,536-character limit', () => {
    const blocks = [text(...Array.from({ length: 3_000 }, (_, i) => `| ${i} | ${'v'.repeat(30)} |`))];
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER });
    expect(GITHUB_COMMENT_LIMIT).toBe(65_536);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(65_000);
    expect(body.endsWith(`|\n\n${POINTER}`)).toBe(true);
  });
});

describe('sections that are trimmed first (the most fragile cases)', () => {
  const fragile = (rows: number): MarkdownBlock => ({ ...(details('fragile', rows) as DetailsBlock), trimFirst: true });

  it('shows fewer of their rows while every other section keeps all of its rows', () => {
    const blocks = [text('## Verdict'), details('first', 20), fragile(20), details('second', 20)];
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: whole(blocks).length - 500 });
    const rows = rowsBySection(body);
    expect(rows.get('first')).toBe(20);
    expect(rows.get('second')).toBe(20);
    expect(rows.get('fragile')).toBeGreaterThan(0);
    expect(rows.get('fragile')).toBeLessThan(20);
    expectBalanced(body);
  });

  it('are dropped whole before any other section loses a row', () => {
    const blocks = [text('## Verdict'), details('first', 20), fragile(20), details('second', 20)];
    const withoutFragile = whole([text('## Verdict'), details('first', 20), details('second', 20)]).length;
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: withoutFragile + POINTER.length + 2 });
    expect([...rowsBySection(body).entries()]).toEqual([
      ['first', 20],
      ['second', 20],
    ]);
    const tighter = fitCommentBody(blocks, MARKER, { pointer: POINTER, limit: withoutFragile - 300 });
    const rows = rowsBySection(tighter);
    expect(rows.has('fragile')).toBe(false);
    expect(rows.get('first')).toBe(rows.get('second'));
    expect(rows.get('first')).toBeLessThan(20);
    expectBalanced(tighter);
  });

  it('in a real report: the fragile cases give way while the fragility table, its chart and the flipped cases stay', () => {
    const run = fragilityResults();
    const suite = run.suites[0] as NonNullable<(typeof run.suites)[number]>;
    const long = 'a reworded request that goes on '.repeat(5);
    suite.fragile_cases = Array.from({ length: 300 }, (_, i) =>
      fragileCase({ case_id: `case-${i}`, input: `${long}${i}`, perturbed_input: `${long.toUpperCase()}${i}` }),
    );
    const blocks = renderMarkdownBlocks(run);
    expect(renderBlocks(blocks).length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const body = fitCommentBody(blocks, MARKER, { pointer: POINTER });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('#### Fragility');
    expect(body).toContain('xychart-beta horizontal');
    expect(body).toMatch(/_\d+ more rows not shown here\._\n\n<\/details>\n\n<sub>400 calls/);
    const sections = [...body.matchAll(/<summary>(.*?)<\/summary>/g)].map((match) => match[1]);
    expect(sections).toHaveLength(3);
    expect(sections[2]).toMatch(/^Most fragile cases: 300/);
    expect(body.match(/more rows not shown here/g)).toHaveLength(1);
    expectBalanced(body);
  });
});

describe('a long report in a comment', () => {
  it('keeps the tables after the variant table and the collapsed sections when a model id holds <details>', () => {
    const run = comparedResults(3, { model: (i) => `ft:gpt-4.1-nano:acme:<details><summary>${i}` });
    const body = fitCommentBody(renderMarkdownBlocks(run), MARKER, { pointer: POINTER, limit: 30_000 });
    expect(body.length).toBeLessThanOrEqual(30_000);
    expect(body).toContain('`ft:gpt-4.1-nano:acme:<details><summary>1`');
    expect(body).toContain('| vs prompted |');
    expect(body).toContain('| economics | |');
    expect(body).toContain('```mermaid');
    expect(rowsBySection(body).size).toBe(4);
    expect(body.endsWith(POINTER)).toBe(true);
  });

  it('keeps every collapsed section when escaping makes each row several times longer', () => {
    // 160 characters that each escape to 4–5: every row takes about 4,000 characters.
    const run = comparedResults(3, { text: (i) => `${i}&<>&`.repeat(60) });
    const body = fitCommentBody(renderMarkdownBlocks(run), MARKER, { pointer: POINTER });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const rows = [...rowsBySection(body).values()];
    expect(rows).toHaveLength(4);
    for (const shown of rows) expect(shown).toBeGreaterThanOrEqual(3);
    expectBalanced(body);
  });
});

/** Model outputs in another script, with Markdown in them: 10 variants made a 1.13 MB summary. */
const multilingual = (i: number) =>
  `**карта_и_ПИН** №${i}: «Где моя карта & ПИН-код? Жду <две> недели & дольше!» `.repeat(4);

describe('fitJobSummary', () => {
  it('keeps a 10-variant report within GitHub’s 1 MiB, with every comparison’s first cases', () => {
    const blocks = renderMarkdownBlocks(comparedResults(10, { text: multilingual }));
    const full = renderBlocks(blocks);
    expect(Buffer.byteLength(full)).toBeGreaterThan(1_130_000);
    const pointer = '_… trimmed: the full report is summary.md in the `tunegate-results` artifact._';
    const { text: summary, trimmed } = fitJobSummary(blocks, { pointer });
    expect(trimmed).toBe(true);
    expect(GITHUB_SUMMARY_LIMIT).toBe(1_048_576);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_048_576);
    expect(Buffer.byteLength(summary)).toBeGreaterThan(1_000_000);
    expect(rowsBySection(summary).size).toBe(18);
    expect(summary).toContain('| finetuned-9 | 0.0 points |');
    expect(summary.endsWith(pointer)).toBe(true);
  });

  it('leaves room for what the step’s summary already holds', () => {
    const blocks = renderMarkdownBlocks(comparedResults(4));
    const size = Buffer.byteLength(renderBlocks(blocks));
    expect(fitJobSummary(blocks, { pointer: 'p', used: 0 }).trimmed).toBe(false);
    const { text: summary, trimmed } = fitJobSummary(blocks, { pointer: 'p', used: GITHUB_SUMMARY_LIMIT - size + 1 });
    expect(trimmed).toBe(true);
    expect(Buffer.byteLength(summary)).toBeLessThan(size);
  });
});
