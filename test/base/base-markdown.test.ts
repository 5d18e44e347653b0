import { describe, expect, it } from 'vitest';
import { compareWithBase } from '../../src/decision/base-compare.js';
import type { BaseSuiteComparison } from '../../src/decision/types.js';
import { baseStatusLine, renderBaseComparison } from '../../src/report/base-markdown.js';

const policy = { max_accuracy_loss: 0.01, confidence: 0.95 };

function outcomes(n: number, right: (i: number) => boolean): Map<string, boolean> {
  return new Map(Array.from({ length: n }, (_, i) => [String(i), right(i)]));
}

const base = outcomes(200, (i) => i < 190);
const suites: BaseSuiteComparison[] = [
  {
    suite: 'banking_intents',
    status: 'compared',
    variants: [
      compareWithBase(
        outcomes(200, (i) => i < 150),
        base,
        'prompted',
        policy,
      ),
      compareWithBase(
        outcomes(200, (i) => i < 200),
        base,
        'fine|tuned',
        policy,
      ),
      compareWithBase(base, base, 'same', policy),
    ],
  },
  { suite: 'brand-new', status: 'new', variants: [] },
  { suite: 'quiet', status: 'skipped', variants: [] },
];

describe('renderBaseComparison', () => {
  const lines = renderBaseComparison({ ref: 'main', sha: '0123456789abcdef', suites, regressions: 1 });
  const text = lines.join('\n');

  it('heads the section with the base ref and short sha', () => {
    expect(lines[0]).toBe('### Base vs head (`main` @ 0123456)');
  });

  it('writes one row per variant with both accuracies, the change, the test and a status', () => {
    const row = lines.find((line) => line.startsWith('| prompted |'));
    expect(row).toMatch(/^\| prompted \| 95\.0% \| 75\.0% \| −20\.0 points \| −\d+\.\d points to −\d+\.\d points \|/);
    expect(row).toMatch(/\| 40 \| 0 \| 🔻 regression \|$/);
    expect(lines.find((line) => line.includes('fine\\|tuned'))).toMatch(
      /\+5\.0 points .*\| 0 \| 10 \| 🔺 improved \|$/,
    );
    expect(lines.find((line) => line.startsWith('| same |'))).toMatch(
      /\| 1\.00 \| 0 \| 0 \| = no significant change \|$/,
    );
    // The header and separator have as many cells as the rows.
    const table = lines.filter((line) => line.startsWith('|'));
    const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    expect(new Set(table.map(cells)).size).toBe(1);
  });

  it('escapes suite names and says which suites were not compared', () => {
    expect(text).toContain('**banking\\_intents**');
    expect(text).toMatch(/\*\*brand-new\*\*: new suite/);
    expect(text).toMatch(/\*\*quiet\*\*: skipped \(no changed file touches it\)/);
  });

  it('keeps a hostile ref inside its code span', () => {
    const [heading] = renderBaseComparison({ ref: 'x`<b>@you\n', sha: 'abc', suites: [], regressions: 0 });
    expect(heading).toBe('### Base vs head (`x<b>@you` @ abc)');
  });
});

describe('baseStatusLine', () => {
  it('counts regressions or says there are none', () => {
    expect(baseStatusLine({ ref: 'main', sha: 'a', suites, regressions: 1 })).toBe('❌ 1 regression vs base');
    expect(baseStatusLine({ ref: 'main', sha: 'a', suites, regressions: 3 })).toBe('❌ 3 regressions vs base');
    expect(baseStatusLine({ ref: 'main', sha: 'a', suites: [], regressions: 0 })).toBe('✅ no regression vs base');
  });
});
