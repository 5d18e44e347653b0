import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HistoryRun } from '../../src/history/types.js';
import { renderDashboard } from '../../src/report/dashboard.js';
import { type DashboardData, dashboardData } from '../../src/report/dashboard-data.js';
import { generateHistory, withFragility } from './history-fixtures.js';

const HOSTILE_NAME = '</script><script>alert(1)</script><!--';

function embeddedData(html: string): DashboardData {
  const json = /<script type="application\/json" id="tunegate-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return JSON.parse(json ?? 'null') as DashboardData;
}

function hostileHistory(): HistoryRun[] {
  return generateHistory({ seed: 11, runs: 4, suites: [HOSTILE_NAME] }).map((run, index) => ({
    ...run,
    run_url: index === 1 ? 'javascript:alert(1)' : run.run_url,
    variants: { [HOSTILE_NAME]: run.variants.prompted, finetuned: run.variants.finetuned } as HistoryRun['variants'],
  }));
}

describe('the dashboard page', () => {
  const html = renderDashboard(hostileHistory(), { generated: new Date('2026-03-01T00:00:00Z') });

  it('embeds the history as JSON that no name can break out of', () => {
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    const data = embeddedData(html);
    expect(data.suites[0]?.name).toBe(HOSTILE_NAME);
    expect(data.suites[0]?.variants).toEqual([HOSTILE_NAME, 'finetuned']);
    expect(data.suites[0]?.runs).toHaveLength(4);
  });

  it('links only http(s) run addresses', () => {
    const urls = embeddedData(html).suites[0]?.runs.map((run) => run.url);
    expect(urls?.[0]).toMatch(/^https:\/\/github\.com\/acme\/evals\/actions\/runs\/\d+$/);
    expect(urls?.[1]).toBeNull();
  });

  it('loads nothing: no external resource, and a policy that allows only its own script and style', () => {
    const page = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    expect(page).not.toMatch(/\ssrc=|<link|@import|url\(|https:/);
    expect(page.match(/http:\/\/[^'"]*/g) ?? []).toEqual(['http://www.w3.org/2000/svg']);
    const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${hash(script)}`);
    expect(policy).toContain(`style-src ${hash(style)}`);
  });

  it('says how many runs and suites it draws, and that runs were simulated', () => {
    expect(html).toContain('4 runs of 1 suite · generated 2026-03-01 00:00 UTC · includes simulated runs');
  });
});

describe('fragility on the dashboard', () => {
  const runs = withFragility(generateHistory({ seed: 12, runs: 4 }), { prompted: 0.124, finetuned: 0.021 }, 2);

  it('carries each run’s flip rate, interval and calls; null before fragility was measured', () => {
    const suite = dashboardData(runs, new Date()).suites[0];
    const points = suite?.runs.map((run) => run.v[0]);
    expect(points?.map((p) => p?.flip)).toEqual([null, null, 0.124, 0.125]);
    expect(points?.[2]?.fci?.[0]).toBeCloseTo(0.0992, 6);
    expect(points?.[2]?.fn).toBe(2400);
    expect(points?.[0]?.fci).toBeNull();
  });

  it('ignores a malformed fragility field instead of drawing it', () => {
    const broken = runs.map((run, index) => ({
      ...run,
      variants: Object.fromEntries(
        Object.entries(run.variants).map(([name, v]) => [
          name,
          { ...v, fragility: (index === 2 ? 'lots' : { flip_rate: 7, flip_rate_ci: 'x' }) as never },
        ]),
      ),
    }));
    const points = dashboardData(broken, new Date()).suites[0]?.runs.map((run) => run.v[1]);
    expect(points?.map((p) => [p?.flip, p?.fci, p?.fn])).toEqual(Array(4).fill([null, null, null]));
  });
});
