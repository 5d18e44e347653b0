import { describe, expect, it } from 'vitest';
import { gate, RUN_POLICY } from '../../src/api/gate.js';
import { headline } from '../../src/github/publish.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { escapeMarkdownInline } from '../../src/report/escape.js';
import { usd } from '../../src/report/format.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { hostileResults, metrics, results, variant } from './fixtures.js';

const failing = variant({
  role: 'finetuned',
  model: 'ft:gpt-4.1-nano-2025-04-14:acme:x:1',
  metrics: metrics({
    accuracy: 0.8,
    correct: 160,
    cost_usd: { total: null, per_request: null, per_1k: null, price_known: false },
  }),
  thresholds: [{ metric: 'accuracy', op: 'min', limit: 0.85, actual: 0.8, pass: false }],
  passed: false,
});

describe('console report', () => {
  it('shows one row per variant with accuracy interval, latency and cost, and names failed gates', () => {
    const text = renderConsoleReport(results({ prompted: variant(), finetuned: failing }));
    expect(text).toMatch(
      /prompted\s+prompted\s+gpt-4\.1\s+200\s+0\s+90\.0% \[85\.1%, 93\.4%\]\s+410 ms\s+880 ms\s+\$2\.50\s+pass/,
    );
    expect(text).toMatch(/finetuned .* price unknown\s+FAIL/);
    expect(text).toContain('✗ finetuned: accuracy ≥ 0.85, got 80.0%');
    expect(text).toContain('Some gates failed.');
    expect(text).not.toMatch(/SIMULATED/);
  });

  it('says when the responses were simulated', () => {
    expect(renderConsoleReport(results({ prompted: variant() }, { simulated: true }))).toMatch(/^SIMULATED/);
  });
});

describe('the cache mode that ran', () => {
  it.each([
    ['use', 'cache: use (stored answers replayed; only requests not stored yet call a model)'],
    ['refresh', 'cache: refresh (every model called fresh)'],
    ['off', 'cache: off (nothing read from or stored in the cache)'],
  ] as const)('is said by the console and the Markdown report (%s)', (mode, text) => {
    const run = results({ prompted: variant() }, { cache_mode: mode });
    expect(renderConsoleReport(run).split('\n')).toContain(text);
    expect(renderMarkdownReport(run)).toMatch(new RegExp(`<sub>.* · ${text.replace(/[()]/g, '\\$&')}</sub>`));
  });
});

describe('the closing line matches the exit code: a failed run never reads as passed', () => {
  const passedSummary = results({ prompted: variant() }).summary;
  const down = variant({ metrics: metrics({ errors: 200, error_rate: 1, correct: 0, accuracy: 0 }) });
  const cases = [
    { name: 'all gates pass', run: results({ prompted: variant() }), code: 0, line: 'All gates passed.' },
    {
      name: 'a gate fails',
      run: results({ prompted: variant(), finetuned: failing }),
      code: 1,
      line: 'Some gates failed.',
    },
    {
      // The suites' gates alone would pass: the run still failed.
      name: 'interrupted',
      run: results({ prompted: variant() }, { summary: { ...passedSummary, incomplete: true } }),
      code: 3,
      line: 'Run failed: the run was interrupted before every case ran; its results are incomplete.',
    },
    {
      name: 'budget reached',
      run: results({ prompted: variant() }, { summary: { ...passedSummary, budget_exhausted: true } }),
      code: 3,
      line: 'Run failed: the budget (--max-cost-usd) was reached before every case ran.',
    },
    {
      name: 'a provider down (no error gate set)',
      run: results({ prompted: variant(), finetuned: down }),
      code: 3,
      line: 'Run failed: every call of intents/finetuned failed; check the provider.',
    },
  ];

  it.each(cases)('$name → exit $code, "$line"', ({ run, code, line }) => {
    expect(gate(run, RUN_POLICY).exitCode).toBe(code);
    const text = renderConsoleReport(run);
    expect(text.split('\n').at(-1)).toBe(line);
    if (code !== 0) expect(text).not.toContain('passed');
    const md = renderMarkdownReport(run);
    expect(md.includes('**Run failed**')).toBe(code === 3);
    expect(headline(run).startsWith('Run failed:')).toBe(code === 3);
  });

  it('says where the run stopped and shows the share of errors', () => {
    const erring = variant({ metrics: metrics({ errors: 3, error_rate: 0.015 }) });
    const run = results({ prompted: erring }, { summary: { ...passedSummary, incomplete: true, recovered: 2 } });
    const text = renderConsoleReport(run);
    expect(text).toMatch(/prompted\s+prompted\s+gpt-4\.1\s+200\s+3 \(1\.5%\)\s+90\.0%/);
    expect(text).toMatch(/400 calls, 0 errors \(2 recovered on retry\), .* — stopped: interrupted\n/);
    const md = renderMarkdownReport(run);
    expect(md).toContain('| 200 | 3 (1.5%) | 90.0% [85.1%, 93.4%] |');
    expect(md).toMatch(/· stopped: interrupted<\/sub>/);
  });
});

describe('markdown report', () => {
  it('puts the suite status, the table and failed gates in the summary', () => {
    const md = renderMarkdownReport(results({ prompted: variant(), finetuned: failing }));
    expect(md).toContain('### ❌ intents');
    expect(md).toContain(
      '| prompted | prompted | `gpt-4.1` | 200 | 0 | 90.0% [85.1%, 93.4%] | 410 ms | 880 ms | $2.50 | $250.00 | 500 | ✅ pass |',
    );
    expect(md).toContain('- ❌ **finetuned**: accuracy ≥ 0.85, got 80.0%');
    expect(md).toContain('> **✋ Keep prompting** — **prompted**');
    expect(md).toContain('> - prompted shows none of the pains fine-tuning fixes.');
  });

  it('marks simulated runs', () => {
    expect(renderMarkdownReport(results({ prompted: variant() }, { simulated: true }))).toContain('**Simulated run**');
  });
});

describe('escapeMarkdownInline', () => {
  it('neutralises table breaks, HTML, mentions and code spans', () => {
    const hostile = '</details>| @octocat `rm -rf` <script>\nnext';
    const safe = escapeMarkdownInline(hostile);
    expect(safe).not.toMatch(/<\/details>|<script>|\n/);
    expect(safe).not.toMatch(/(^|[^\\])\|/);
    expect(safe).not.toMatch(/@octocat/);
    expect(safe).toContain('\\`rm -rf\\`');
  });

  it('clips long text', () => {
    expect(escapeMarkdownInline('x'.repeat(500), 50)).toHaveLength(50);
  });
});

describe('usd', () => {
  it('never shows an unknown price as $0', () => {
    expect(usd(null)).toBe('price unknown');
    expect(usd(0)).toBe('$0');
    expect(usd(0.00123)).toBe('$0.0012');
    expect(usd(12.345)).toBe('$12.35');
    expect(usd(123456.7)).toBe('$123,457');
    expect(usd(-4.5)).toBe('−$4.50');
  });
});

/** Control characters, NUL, ANSI escapes and bidi overrides or isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('text from data in the reports', () => {
  it('reaches the Markdown report without NUL bytes, ANSI escapes or bidi overrides', () => {
    const md = renderMarkdownReport(hostileResults());
    expect(md).toContain('LRO-reversed');
    expect(md).toContain('ft:red');
    expect(md).not.toMatch(UNSAFE);
    expect(escapeMarkdownInline('a\u0000b\u202ec\u2066d\u001b[31me')).toBe('abcd\\[31me');
  });

  it('cannot start a workflow command or carry an escape in the console report', () => {
    const text = renderConsoleReport(hostileResults());
    expect(text).toContain('INJECTED');
    expect(text).not.toMatch(UNSAFE);
    for (const line of text.split('\n')) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toContain('##[');
    }
  });
});
