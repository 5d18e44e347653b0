import { describe, expect, it } from 'vitest';
import { driftedSuites } from '../../src/api/gate.js';
import type { SuiteDrift } from '../../src/history/types.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import type { RunResults } from '../../src/report/types.js';
import { results, variant } from './fixtures.js';

const drift: SuiteDrift = {
  status: 'drift',
  against: { run_id: 'r1', date: '2026-03-01T02:00:00.000Z', commit: '0123456789abcdef' },
  fails: true,
  note: 'prompted: compared with its latest accepted run, r0 of 2026-02-01.',
  variants: {
    'ft|<b>': {
      model_then: 'ft:a',
      model_now: 'ft:a',
      accuracy_then: 0.91,
      accuracy_now: 0.75,
      diff: -0.16,
      diff_ci: [-0.2, -0.12],
      p_value: 1e-9,
      p_adjusted: 2e-9,
      common_cases: 200,
      latency_p95_then: 100,
      latency_p95_now: 110,
      cost_per_1k_then: 0.1,
      cost_per_1k_now: 0.1,
      drifted: true,
      reasons: ['accuracy 91.0% → 75.0%\n::error::injected'],
    },
  },
};

function withDrift(): RunResults {
  const run = results({ 'ft|<b>': variant() });
  (run.suites[0] as RunResults['suites'][number]).drift = drift;
  run.history = {
    file: 'history.jsonl',
    runs_read: 2,
    appended: 1,
    accepted: [],
    keep: 365,
    pruned: [{ suite: 'intents', removed: 3, from: '2025-01-01', through: '2025-01-03', kept: 365 }],
    problems: [],
  };
  return run;
}

describe('drift in the reports', () => {
  it('prints the status, the reference, each reason on one line, and the pruning', () => {
    const text = renderConsoleReport(withDrift());
    expect(text).toContain(
      '  drift: DRIFT against the accepted run of 2026-03-01T02:00:00.000Z (commit 0123456) — fails this run (decision.fail_on)',
    );
    expect(text).not.toMatch(/^::error::/m);
    expect(text).toMatch(/history: history\.jsonl — 2 run\(s\) read, 1 appended/);
    expect(text).toMatch(/history: pruned 3 run\(s\) of intents from 2025-01-01 to 2025-01-03, keeping 365/);
  });

  it('shows a table row per variant in Markdown, escaped', () => {
    const markdown = renderMarkdownReport(withDrift());
    expect(markdown).toMatch(/\*\*Drift\*\*: ⚠️ drift against the accepted run/);
    const row = markdown.split('\n').find((line) => line.includes('91.0% → 75.0%, −16.0 points'));
    expect(row).toBeDefined();
    expect(row).not.toContain('<b>');
    expect(row?.split(/(?<!\\)\|/)).toHaveLength(9);
    expect(row).toContain('1.0e-9 (2.0e-9)');
  });

  it('names the drifted suites and variants for a gate', () => {
    expect(driftedSuites(withDrift())).toEqual(['intents: ft|<b>']);
    expect(driftedSuites(results({ a: variant() }))).toEqual([]);
  });
});
