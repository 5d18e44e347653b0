import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import type { DashboardData } from '../../src/report/dashboard-data.js';
import { runCli, tempDir } from '../e2e/helpers.js';
import { generateHistory, historyText } from '../report/history-fixtures.js';

function embeddedData(html: string): DashboardData {
  const json = /<script type="application\/json" id="tunegate-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return JSON.parse(json ?? 'null') as DashboardData;
}

describe('tunegate report', () => {
  it('renders the history as an HTML dashboard and the Mermaid trend', async () => {
    const dir = await tempDir();
    const runs = generateHistory({ seed: 31, runs: 10, suites: ['banking77', 'support'] });
    await writeFile(join(dir, 'history.jsonl'), historyText(runs));
    const { code, stdout, stderr } = await runCli(
      ['report', '--history', 'history.jsonl', '--html', 'site/index.html', '--markdown', 'trend.md'],
      { cwd: dir },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('wrote site/index.html: 20 runs of 2 suites\nwrote trend.md: 20 runs of 2 suites\n');
    const data = embeddedData(await readFile(join(dir, 'site', 'index.html'), 'utf8'));
    expect(data.suites.map((suite) => [suite.name, suite.runs.length])).toEqual([
      ['banking77', 10],
      ['support', 10],
    ]);
    const trend = await readFile(join(dir, 'trend.md'), 'utf8');
    expect(trend.match(/xychart-beta/g)).toHaveLength(4);
  });

  it('reports a corrupt line and a line of a newer format by number, and draws every other run', async () => {
    const dir = await tempDir();
    const lines = historyText(generateHistory({ seed: 32, runs: 5 })).split('\n');
    lines.splice(2, 0, '{"kind":"run","suite":"banking77","da');
    lines.splice(4, 0, JSON.stringify({ kind: 'run', version: 2, suite: 'banking77' }));
    lines.splice(5, 0, JSON.stringify({ kind: 'ids', version: 1, hash: 'x', ids: ['a'] }));
    await writeFile(join(dir, 'history.jsonl'), lines.join('\n'));
    const { code, stderr } = await runCli(['report', '--history', 'history.jsonl', '--html', 'out.html'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^warning: history\.jsonl:3:1 not valid JSON \(.*\); the line is skipped \(fix or delete it\)$/,
      ),
      expect.stringMatching(
        /^warning: history\.jsonl:5:1 written by a newer tunegate \(history version 2; this one reads 1\); skipped and kept — upgrade tunegate to use it$/,
      ),
      '',
    ]);
    const data = embeddedData(await readFile(join(dir, 'out.html'), 'utf8'));
    expect(data.suites[0]?.runs).toHaveLength(5);
  });

  it('says when the history cannot be read, and needs its options', async () => {
    const dir = await tempDir();
    const missing = await runCli(['report', '--history', 'nope.jsonl', '--html', 'out.html'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: cannot read the history nope.jsonl: not found\n');
    expect(() => parseCommandLine(['report', '--html', 'x.html'])).toThrow('"tunegate report" needs --history FILE');
    expect(() => parseCommandLine(['report', '--history', 'h.jsonl'])).toThrow('needs --html FILE, --markdown FILE');
    expect(parseCommandLine(['report', '--history', 'h.jsonl', '--html', 'x.html'])).toEqual({
      command: 'report',
      options: { history: 'h.jsonl', html: 'x.html', markdown: undefined },
    });
  });
});
