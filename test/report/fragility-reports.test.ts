import { describe, expect, it } from 'vitest';
import { renderConsoleReport } from '../../src/report/console.js';
import { bar, CHART_COLUMNS, flipRateBars } from '../../src/report/fragility-console.js';
import { measuredVariants } from '../../src/report/fragility-text.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import type { RunResults, SuiteResult } from '../../src/report/types.js';
import { HOSTILE, results, variant } from './fixtures.js';
import { fragileCase, fragilePrompted, fragilityResults, steadyFinetuned } from './fragility-fixtures.js';

const suiteOf = (run: RunResults) => run.suites[0] as SuiteResult;

describe('fragility in the console report', () => {
  const text = renderConsoleReport(fragilityResults());

  it('prints a row per measured variant: flip rate with its interval, consistency, accuracy kept, worst family, calls, cost', () => {
    expect(text).toMatch(
      /prompted\s+12\.4% \[10\.1%, 14\.9%\]\s+87\.6%\s+91\.0% → 84\.2%\s+instruction 78\.0%\s+100 \/ 2,400\s+\$0\.52/,
    );
    expect(text).toMatch(/finetuned-1\s+2\.1% \[1\.4%, 3\.1%\]\s+97\.9%\s+90\.5% → 89\.6%\s+typos 88\.0%/);
    expect(text).toContain('flip rate [95% CI]');
  });

  it('says how the paired comparison came out, and what fragility cost in the closing line', () => {
    expect(text).toContain(
      'finetuned-1 flips 10.3 points less than prompted [−13.1, −7.6] on 100 paired cases (2.1% vs 12.4%)',
    );
    expect(text).toMatch(/\$2\.41 spent \(fragility \$0\.52\) in 2\.0 s/);
  });

  it('draws one bar per variant and family, scaled to the largest rate, the number printed', () => {
    const lines = text.split('\n');
    const instruction = lines.find((line) => /^ {2}instruction\s+prompted/.test(line)) as string;
    const barWidth = (instruction.match(/█/g) ?? []).length;
    expect(instruction).toMatch(/█ 21\.0%$/);
    const typos = lines.find((line) => /^ {2}typos\s+prompted/.test(line)) as string;
    // 15.2 / 21.0 of the full bar, to the nearest eighth of a column.
    const eighths = (typos.match(/█/g) ?? []).length * 8 + '▏▎▍▌▋▊▉'.indexOf(typos.match(/[▏▎▍▌▋▊▉]/)?.[0] ?? '') + 1;
    expect(Math.abs(eighths / 8 - (barWidth * 15.2) / 21)).toBeLessThan(0.2);
    expect(lines.filter((line) => /^ {2}(\S+)?\s+(prompted|finetuned-1)\s+[█▏▎▍▌▋▊▉ ]*\d/.test(line))).toHaveLength(16);
  });

  it('keeps the chart within 80 columns, with long names and every family', () => {
    const long = 'a-variant-name-that-goes-on-and-on-for-sixty-characters-long';
    const chart = flipRateBars([
      { name: long, fragility: fragilePrompted() },
      {
        name: 'finetuned',
        fragility: steadyFinetuned({
          by_perturbation: {
            ...steadyFinetuned().by_perturbation,
            repeat: { n: 100, n_cases: 100, flip_rate: 1, flip_rate_ci: [0.9, 1], accuracy: 0.5 },
          },
        }),
      },
    ]);
    expect(chart.length).toBeGreaterThan(16);
    for (const line of chart) expect(line.length).toBeLessThanOrEqual(CHART_COLUMNS);
    expect(chart.some((line) => /repeat\s+a-variant-name-…/.test(line))).toBe(true);
    expect(chart.some((line) => line.includes('█'.repeat(20)) && line.endsWith('100.0%'))).toBe(true);
  });

  it('draws bars in eighths, never hides a rate above zero, and draws nothing for zero', () => {
    expect(bar(0.21, 0.21, 40)).toBe('█'.repeat(40));
    expect(bar(0.105, 0.21, 40)).toBe('█'.repeat(20));
    expect(bar(0.0001, 0.21, 40)).toBe('▏');
    expect(bar(0, 0.21, 40)).toBe('');
    expect(bar(0, 0, 40)).toBe('');
  });

  it('prints no fragility section, and the closing line as before, when fragility was not measured', () => {
    const plain = renderConsoleReport(results({ prompted: variant() }));
    expect(plain).not.toMatch(/fragility|flip rate/);
    expect(plain).toMatch(/\$0\.75 spent in 2\.0 s/);
  });

  it('keeps a hostile variant name on its own line, without workflow commands', () => {
    const run = fragilityResults();
    const suite = suiteOf(run);
    suite.variants[HOSTILE.variant] = suite.variants['finetuned-1'] as SuiteResult['variants'][string];
    delete suite.variants['finetuned-1'];
    const lines = renderConsoleReport(run).split('\n');
    expect(lines.some((line) => /^\s*::/.test(line))).toBe(false);
    for (const line of flipRateBars(measuredVariants(suite))) expect(line.length).toBeLessThanOrEqual(CHART_COLUMNS);
  });
});

describe('fragility in the Markdown report', () => {
  const markdown = renderMarkdownReport(fragilityResults());

  it('has a Fragility section with the table and the paired comparison', () => {
    expect(markdown).toContain('#### Fragility');
    expect(markdown).toContain(
      '| prompted | 12.4% [10.1%, 14.9%] | 87.6% | 91.0% → 84.2% | instruction 78.0% | 100 / 2,400 | $0.52 |',
    );
    expect(markdown).toContain(
      '- **finetuned-1** flips 10.3 points less than **prompted** [−13.1, −7.6] on 100 paired cases (2.1% vs 12.4%)',
    );
    expect(markdown).toContain('$2.41 spent (fragility $0.52) ·');
  });

  it('charts the flip rate by family with Mermaid: one bar series per variant, each in its own slot', () => {
    const chart = markdown.slice(markdown.indexOf('xychart-beta horizontal'));
    const bars = chart
      .split('\n')
      .filter((line) => line.startsWith('  bar ['))
      .map((line) => line.slice(7, -1).split(', ').map(Number));
    expect(bars).toHaveLength(2);
    const [prompted, finetuned] = bars as [number[], number[]];
    expect(prompted).toHaveLength(16);
    expect(prompted.slice(0, 4)).toEqual([15.2, 0, 6.1, 0]);
    expect(finetuned.slice(0, 4)).toEqual([0, 4.1, 0, 1]);
    expect(chart).toMatch(/x-axis \["typos - prompted", "typos - finetuned-1", "case - prompted"/);
    expect(chart).toMatch(/y-axis "flip rate \(%\)" 0 --> 25/);
    expect(markdown).toContain('Bars: **prompted** (blue), **finetuned-1** (orange).');
  });

  it('lists the most fragile cases collapsed: variant, family, change, both inputs, both answers, expected, flips', () => {
    expect(markdown).toContain('<summary>Most fragile cases: 3 perturbations that changed an answer</summary>');
    expect(markdown).toContain(
      '| prompted | case-17 | typos | typos | I want to cancel my card → I wnat to cancle my card | cancel\\_card → card\\_not\\_working | cancel\\_card | 3 / 24 |',
    );
    expect(markdown).toContain('where is my refund? (input unchanged)');
  });

  it('renders exactly as before without fragility', () => {
    const run = fragilityResults();
    const suite = suiteOf(run);
    for (const v of Object.values(suite.variants)) delete v.fragility;
    for (const c of Object.values(suite.comparison)) delete c.fragility;
    delete suite.fragile_cases;
    delete run.summary.cost_usd;
    const plain = renderMarkdownReport(run);
    expect(plain).not.toMatch(/Fragility|fragile|flip rate|xychart/i);
    expect(plain).toContain('$2.41 spent ·');
  });

  it('escapes a hostile perturbed input and answer: nothing closes the <details>, injects HTML, or breaks the row', () => {
    const run = fragilityResults();
    const suite = suiteOf(run);
    const hostile = '</details></summary><script>alert(1)</script> ```js | pipe | `tick` <img src=x onerror=alert(1)>';
    suite.fragile_cases = [
      fragileCase({
        variant: `${hostile} ${HOSTILE.variant}`,
        case_id: hostile,
        change: hostile,
        input: `${hostile} ${HOSTILE.text}`,
        perturbed_input: `${hostile}\n## heading @someone #1`,
        expected: { label: hostile },
        answer: hostile,
        perturbed_answer: `${hostile}\n</details>`,
      }),
    ];
    const text = renderMarkdownReport(run);
    const section = text.slice(text.indexOf('<summary>Most fragile cases'));
    const block = section.slice(0, section.indexOf('</details>') + '</details>'.length);
    expect(block.match(/<\/details>/g)).toHaveLength(1);
    expect(block).not.toMatch(/<script|<img|<\/summary><script|```|@someone/);
    const row = block.split('\n').find((line) => line.startsWith('| ') && line.includes('alert')) as string;
    // 8 cells: 9 unescaped pipes.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(9);
    expect(row).not.toMatch(/(?<!\\)`/);
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
  });
});
