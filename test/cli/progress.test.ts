import { describe, expect, it } from 'vitest';
import { createProgressRenderer, fitProgressLine } from '../../src/cli/progress.js';
import { progressLogger } from '../../src/github/log.js';
import { throttledProgressLines } from '../../src/report/progress-text.js';

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

describe('progress bar width', () => {
  const big = (done: number) => ({
    done,
    total: 1_000_000,
    errors: 12_345,
    cached: 456_789,
    spent_usd: 1234.5678,
    elapsed_ms: 61_000,
  });

  it.each([20, 40, 60, 80, 120])(
    'at %i columns every redraw is one line, in place, narrower than the terminal',
    (columns) => {
      const writes: string[] = [];
      const renderer = createProgressRenderer({ isTTY: true, columns, write: (text: string) => writes.push(text) });
      for (const done of [0, 1, 999, 500_000, 1_000_000]) renderer.update(big(done));
      for (const done of [0, 5, 10]) renderer.update(at(done, 1000));
      expect(writes).toHaveLength(8);
      for (const write of writes) {
        expect(write.startsWith('\r')).toBe(true);
        expect(write.endsWith('\u001b[K')).toBe(true);
        const visible = write.slice(1, -'\u001b[K'.length);
        expect(visible).not.toMatch(/[\r\n]/);
        expect(visible.length).toBeLessThan(columns);
      }
    },
  );

  it('keeps the whole line on a wide terminal and drops the least telling parts first on a narrow one', () => {
    expect(fitProgressLine(big(500_000), 200)).toBe(
      '[████████████░░░░░░░░░░░░] 500000/1000000 calls · 12345 errors · 456789 cached · $1234.5678 · 8197/s',
    );
    const narrow = fitProgressLine(big(500_000), 60);
    expect(narrow.length).toBeLessThanOrEqual(59);
    expect(narrow).toMatch(/^\[[█░]{8,}\] 500000\/1000000 calls · 12345 errors$/);
    expect(fitProgressLine(big(500_000), 12)).toBe('500000/1000');
  });

  it('follows a resize between redraws', () => {
    const writes: string[] = [];
    const stream = { isTTY: true, columns: 120, write: (text: string) => writes.push(text) };
    const renderer = createProgressRenderer(stream);
    renderer.update(big(1));
    stream.columns = 50;
    renderer.update(big(2));
    expect(writes[0]?.length).toBeGreaterThan(60);
    expect((writes[1] as string).length - 1 - 3).toBeLessThan(50);
  });
});

describe('progress lines in a log (the Action)', () => {
  it('writes a line at most every interval and the last one once, and starts over with a new run', () => {
    const lines: string[] = [];
    const onProgress = throttledProgressLines((line) => lines.push(line), 10_000);
    for (const elapsed of [0, 4_000, 9_999, 10_000, 15_000, 20_500]) onProgress(at(1, elapsed));
    onProgress(at(10, 21_000));
    onProgress(at(10, 21_001));
    // A second evaluation (the base commit's) reports from 0 again.
    onProgress(at(2, 100));
    expect(lines.map((line) => line.match(/^progress: (\d+)\/10 calls/)?.[1])).toEqual(['1', '1', '1', '10', '2']);
  });

  it("the Action's logger writes about every 10 s", () => {
    const lines: string[] = [];
    const onProgress = progressLogger((line) => lines.push(line));
    for (const elapsed of [0, 5_000, 9_999, 10_000, 19_000, 20_000]) onProgress(at(1, elapsed));
    expect(lines).toHaveLength(3);
  });
});
