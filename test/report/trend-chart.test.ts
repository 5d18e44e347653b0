import { describe, expect, it } from 'vitest';
import type { HistoryRun } from '../../src/history/types.js';
import { historyBySuite } from '../../src/report/history-series.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { mermaidText, renderTrendMarkdown, suiteTrendLines, TREND_RUNS } from '../../src/report/trend-chart.js';
import { results, variant } from './fixtures.js';
import { FOUR_VARIANTS, generateHistory } from './history-fixtures.js';

/** The fenced Mermaid charts of a Markdown text, each as its lines. */
function mermaidCharts(markdown: string): string[][] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => (match[1] ?? '').trimEnd().split('\n'));
}

function values(line: string | undefined): string[] {
  return (/\[(.*)\]$/.exec(line ?? '')?.[1] ?? '').split(', ');
}

function labels(chart: string[]): string[] {
  const axis = chart.find((line) => line.startsWith('  x-axis ')) ?? '';
  return [...axis.matchAll(/"([^"]*)"/g)].map((match) => match[1] ?? '');
}

/** What Mermaid's xychart grammar accepts, line by line (quoted strings hold no quote). */
const XYCHART_LINE = [
  /^%%\{init: \{.*\}\}%%$/,
  /^xychart-beta$/,
  /^ {2}title "[^"\n]*"$/,
  /^ {2}x-axis \["[^"\n]*"(, "[^"\n]*")*\]$/,
  /^ {2}y-axis "[^"\n]*" \d+(\.\d+)? --> \d+(\.\d+)?$/,
  /^ {2}(line|bar) \[-?\d+(\.\d+)?(, -?\d+(\.\d+)?)*\]$/,
];

const history = generateHistory({
  seed: 7,
  runs: 40,
  variants: FOUR_VARIANTS,
  degrade: { variant: 'finetuned', from: 33, to: 36, accuracy: 0.75 },
  promotions: [20],
});

describe('the Mermaid trend of a suite', () => {
  const markdown = renderTrendMarkdown(history);
  const [accuracy, cost] = mermaidCharts(markdown);
  const last30 = history.slice(-TREND_RUNS);

  it('charts accuracy of every variant over the last 30 runs, with the numbers of the history', () => {
    expect(accuracy).toBeDefined();
    expect(labels(accuracy ?? [])).toHaveLength(30);
    const lines = (accuracy ?? []).filter((line) => line.startsWith('  line ['));
    expect(lines).toHaveLength(4);
    FOUR_VARIANTS.forEach((plan, index) => {
      const expected = last30.map((run) => ((run.variants[plan.name]?.accuracy ?? 0) * 100).toFixed(1));
      expect(values(lines[index])).toEqual(expected);
    });
    expect(markdown).toContain('last 30 of 40 runs');
  });

  it('charts cost per 1k, leaving out the variant whose price is unknown and naming each line’s colour', () => {
    const lines = (cost ?? []).filter((line) => line.startsWith('  line ['));
    expect(lines).toHaveLength(3);
    const expected = last30.map((run) => run.variants.prompted?.cost_per_1k_usd?.toFixed(2));
    expect(values(lines[0])).toEqual(expected);
    expect(markdown).toContain(
      'Lines: **prompted** (blue), **finetuned** (orange), **mini** (green), **local** (purple).',
    );
    // The palette follows the series drawn: the drift columns first, then blue, orange, green (local has no cost).
    expect(cost?.[0]).toContain('"plotColorPalette": "#f6c9c9, #2563eb, #ea580c, #16a34a"');
  });

  it('marks the drifted runs: ⚠ on their label, a red column under the lines, the count in the title, a list below', () => {
    const driftIndices = last30.flatMap((run, index) => (run.drift === 'drift' ? [index] : []));
    expect(driftIndices).toEqual([23, 24, 25]);
    for (const chart of [accuracy, cost]) {
      const chartLabels = labels(chart ?? []);
      expect(chartLabels.map((label, index) => [index, label.startsWith('⚠')]).filter(([, d]) => d)).toEqual(
        driftIndices.map((index) => [index, true]),
      );
      const range = /" (\S+) --> (\S+)$/.exec((chart ?? []).find((line) => line.startsWith('  y-axis')) ?? '');
      const bars = values((chart ?? []).find((line) => line.startsWith('  bar [')));
      expect(bars).toEqual(last30.map((run) => (run.drift === 'drift' ? range?.[2] : range?.[1])));
      expect(chart?.find((line) => line.startsWith('  title'))).toContain('⚠ drift in 3 of 30 runs');
    }
    const driftNote = markdown.split('\n').find((line) => line.includes('**Drift**')) ?? '';
    for (const index of driftIndices) expect(driftNote).toContain(last30[index]?.date.slice(0, 10));
    expect(markdown).toMatch(/✅ Recovered: 2026-02-06/);
    expect(markdown).toMatch(/Accepted references .*2026-01-21/);
  });

  it('draws no drift column when nothing drifted', () => {
    const calm = renderTrendMarkdown(generateHistory({ seed: 3, runs: 10 }));
    expect(calm).toContain('xychart-beta');
    expect(calm).not.toContain('  bar [');
    expect(calm).not.toContain('⚠');
  });

  it('writes only what the xychart grammar accepts, whatever the names and numbers', () => {
    const hostile = generateHistory({ seed: 4, runs: 6 }).map((run, index) => ({
      ...run,
      suite: 'evil"]; %%{init: {"theme": "dark"}}%%\nline [1',
      date: index === 2 ? 'not a date' : run.date,
      variants: Object.fromEntries(
        Object.entries(run.variants).map(([name, v], vi) => [
          vi === 0 ? '"];\n%%{init}%%<img src=x>' : name,
          { ...v, cost_per_1k_usd: vi === 0 ? 0.000000123 : 12345.678 },
        ]),
      ),
    })) as HistoryRun[];
    const text = renderTrendMarkdown(hostile);
    const charts = mermaidCharts(text);
    expect(charts).toHaveLength(2);
    for (const line of charts.flat()) {
      expect(
        XYCHART_LINE.some((pattern) => pattern.test(line)),
        line,
      ).toBe(true);
      expect(line).not.toMatch(/\de[-+]?\d/);
    }
    // The run without a readable date goes last, labelled by its place.
    expect(labels(charts[0] ?? [])[5]).toBe('run 6');
    // Names appear only outside the charts, escaped.
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img src=x&gt;');
  });

  it('keeps quoted Mermaid text to letters, digits and harmless signs', () => {
    expect(mermaidText('ab"c]; #35; %%{init}%% <b>\u202e\nx')).toBe('ab-c-- -35- %-init-% -b--x');
    expect(mermaidText('⚠ 95% (run 3)')).toBe('⚠ 95% (run 3)');
    expect(mermaidText('"')).toBe('-');
    expect(mermaidText('x'.repeat(50))).toHaveLength(40);
  });

  it('repeats the previous value where a variant has none, and says so', () => {
    const runs = generateHistory({ seed: 5, runs: 5 }).map((run, index) =>
      index === 2
        ? { ...run, variants: { prompted: run.variants.prompted } as HistoryRun['variants'] }
        : index === 3
          ? { ...run, variants: { ...run.variants, finetuned: { ...run.variants.finetuned, accuracy: null } } }
          : run,
    ) as HistoryRun[];
    const [accuracy] = mermaidCharts(renderTrendMarkdown(runs));
    const finetuned = values((accuracy ?? []).filter((line) => line.startsWith('  line ['))[1]);
    expect(finetuned[2]).toBe(finetuned[1]);
    expect(finetuned[3]).toBe(finetuned[1]);
    expect(renderTrendMarkdown(runs)).toContain('repeats the previous value');
  });

  it('needs two runs for a trend', () => {
    const [one] = historyBySuite(generateHistory({ seed: 6, runs: 1 }));
    expect(one && suiteTrendLines(one)).toBeNull();
    expect(renderTrendMarkdown(generateHistory({ seed: 6, runs: 1 }))).toContain('no trend yet');
  });
});

describe('the job summary', () => {
  const run = results({ prompted: variant(), finetuned: variant({ role: 'finetuned' }) });
  const suiteName = run.suites[0]?.name ?? '';

  it('shows the suite’s trend when the history is given', () => {
    const withHistory = renderMarkdownReport(run, {
      history: generateHistory({ seed: 8, runs: 12, suites: [suiteName, 'another'] }),
    });
    const charts = mermaidCharts(withHistory).filter((chart) => chart.includes('xychart-beta'));
    expect(charts).toHaveLength(2);
    expect(labels(charts[0] ?? [])).toHaveLength(12);
  });

  it('has no trend without a history', () => {
    expect(renderMarkdownReport(run)).not.toContain('xychart-beta');
  });
});
