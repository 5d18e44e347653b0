import { describe, expect, it } from 'vitest';
import { createProgressRenderer } from '../../src/cli/progress.js';

const at = (done: number, elapsed_ms: number) => ({
  done,
  total: 10,
  errors: 1,
  cached: 2,
  spent_usd: 0.5,
  elapsed_ms,
});

describe('progress renderer', () => {
  it('logs a plain line at most every 5 s in CI logs, and the final line once', () => {
    const lines: string[] = [];
    const renderer = createProgressRenderer({ write: (text: string) => lines.push(text) });
    renderer.update(at(1, 0));
    renderer.update(at(2, 1000));
    renderer.update(at(6, 5200));
    renderer.update(at(10, 5300));
    renderer.update(at(10, 5301));
    renderer.finish();
    expect(lines).toEqual([
      'progress: 1/10 calls · 1 errors · 2 cached · $0.5000 · 0/s\n',
      expect.stringMatching(/^progress: 6\/10 calls/),
      expect.stringMatching(/^progress: 10\/10 calls/),
    ]);
  });

  it('redraws a bar in place on a terminal and ends the line when finished', () => {
    let out = '';
    const renderer = createProgressRenderer({ isTTY: true, write: (text: string) => (out += text) });
    renderer.update(at(5, 1000));
    renderer.finish();
    expect(out.startsWith('\r[████████████░░░░░░░░░░░░] 5/10 calls')).toBe(true);
    expect(out.endsWith(' 5/s\u001b[K\n')).toBe(true);
  });
});
