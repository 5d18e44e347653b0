import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/dataset/sample.js';
import { milliseconds, percent, usd } from '../../src/format.js';
import type { HistoryRun } from '../../src/history/types.js';
import { renderDashboard } from '../../src/report/dashboard.js';
import { historyBySuite } from '../../src/report/history-series.js';
import { ensureChromium, launchChromium } from './chromium.js';
import { FOUR_VARIANTS, generateHistory, withFragility } from './history-fixtures.js';

const chromiumReady = ensureChromium();
if (!chromiumReady.ok) console.warn(chromiumReady.reason);

const HOSTILE = '</script><img src=x onerror=alert(1)>"; %%{init}%%';

/** What the page did that it should not: console errors, uncaught errors, dialogs, requests beyond itself. */
interface Watch {
  errors: string[];
  dialogs: string[];
  requests: string[];
}

function verdictChanges(runs: readonly HistoryRun[]): number {
  return runs.filter((run, index) => index > 0 && runs[index - 1]?.verdict !== run.verdict).length;
}

/** The numbers a run's row in the tooltip must show, formatted as every other report formats them. */
function expectedRow(run: HistoryRun, variant: string) {
  const v = run.variants[variant];
  if (!v) throw new Error(`no ${variant} in run ${run.run_id}`);
  const [low, high] = v.accuracy_ci ?? [0, 0];
  return {
    acc: `${percent(v.accuracy ?? 0)} [${percent(low)}, ${percent(high)}]`,
    p50: milliseconds(v.latency_p50_ms),
    p95: milliseconds(v.latency_p95_ms),
    cost: usd(v.cost_per_1k_usd),
  };
}

describe.skipIf(!chromiumReady.ok)('the dashboard in headless Chromium', () => {
  let context: BrowserContext;
  let close: () => Promise<void>;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'tunegate-dashboard-'));
    console.log(`dashboard pages and screenshots: ${outDir}`);
    ({ context, close } = await launchChromium());
  });
  afterAll(async () => {
    await close?.();
  });

  async function open(runs: HistoryRun[], name: string): Promise<{ page: Page; watch: Watch; loadMs: number }> {
    const file = join(outDir, `${name}.html`);
    await writeFile(file, renderDashboard(runs));
    const page = await context.newPage();
    const watch: Watch = { errors: [], dialogs: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') watch.errors.push(message.text());
    });
    page.on('pageerror', (error) => watch.errors.push(error.message));
    page.on('dialog', (dialog) => {
      watch.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      if (request.url() !== pathToFileURL(file).href) watch.requests.push(request.url());
    });
    const started = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const loadMs = performance.now() - started;
    return { page, watch, loadMs };
  }

  const nightly = [
    ...generateHistory({
      seed: 21,
      runs: 40,
      degrade: { variant: 'finetuned', from: 33, to: 36, accuracy: 0.75 },
      promotions: [20],
    }),
    ...generateHistory({ seed: 22, runs: 12, suites: [HOSTILE], start: '2026-01-29T03:00:00Z' }),
  ];

  it('draws every chart, logs no error, runs no injected code and loads nothing but itself', async () => {
    const { page, watch } = await open(nightly, 'nightly');
    const charts = page.locator('svg[data-metric]');
    expect(await charts.count()).toBe(2 * 3);
    for (const svg of await charts.all()) {
      const box = await svg.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThan(100);
      const paths = svg.locator('path.series');
      expect(await paths.count()).toBeGreaterThan(0);
      for (const path of await paths.all()) expect(await path.getAttribute('d')).toMatch(/^M\d/);
      expect(await svg.locator('circle.pt').count()).toBeGreaterThan(0);
    }
    expect(await page.locator('section.suite h2').allTextContents()).toEqual(['banking77', HOSTILE]);
    expect(await page.locator('img').count()).toBe(0);
    const screenshot = join(outDir, 'nightly.png');
    await page.locator('svg[data-metric="acc"] circle[data-run="34"][data-variant="1"]').first().hover({ force: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
    expect(watch).toEqual({ errors: [], dialogs: [], requests: [] });
    await page.close();
  });

  it('marks drift, accepted references and verdict changes where the history has them', async () => {
    const { page } = await open(nightly, 'markers');
    const [banking] = historyBySuite(nightly);
    const runs = banking?.runs ?? [];
    for (const metric of ['acc', 'p95', 'cost']) {
      const svg = page.locator(`section.suite >> nth=0 >> svg[data-metric="${metric}"]`);
      expect(await svg.locator('rect.m-drift').count()).toBe(runs.filter((run) => run.drift === 'drift').length);
      expect(await svg.locator('path.m-accepted').count()).toBe(runs.filter((run) => run.accepted).length);
      expect(await svg.locator('path.m-verdict').count()).toBe(verdictChanges(runs));
    }
    expect(verdictChanges(runs)).toBeGreaterThan(0);
    await page.close();
  });

  it('shows the history’s numbers on hover, and links each point to its run', async () => {
    const { page, watch } = await open(nightly, 'hover');
    const [banking] = historyBySuite(nightly);
    const runs = banking?.runs ?? [];
    const random = mulberry32(5);
    const metrics = ['acc', 'p95', 'cost'];
    for (let probe = 0; probe < 12; probe++) {
      const index = Math.floor(random() * runs.length);
      const variant = Math.floor(random() * 2);
      const metric = metrics[probe % 3];
      const run = runs[index] as HistoryRun;
      const point = page.locator(
        `section.suite >> nth=0 >> svg[data-metric="${metric}"] circle[data-run="${index}"][data-variant="${variant}"]`,
      );
      await point.hover({ force: true });
      const tip = page.locator('div.tip');
      expect(await tip.isVisible()).toBe(true);
      expect(await tip.getAttribute('data-run-id')).toBe(run.run_id);
      expect(await tip.textContent()).toContain(run.date.slice(0, 16).replace('T', ' '));
      for (const name of ['prompted', 'finetuned']) {
        const row = tip.locator(`tr[data-variant="${name}"]`);
        const expected = expectedRow(run, name);
        expect({
          acc: await row.locator('td.acc').textContent(),
          p50: await row.locator('td.p50').textContent(),
          p95: await row.locator('td.p95').textContent(),
          cost: await row.locator('td.cost').textContent(),
        }).toEqual(expected);
      }
      expect(await point.locator('xpath=..').getAttribute('href')).toBe(run.run_url);
    }
    await page.mouse.move(1, 1);
    expect(await page.locator('div.tip').isVisible()).toBe(false);
    // From the keyboard: a point's link takes the focus and shows the same numbers.
    const link = page.locator('section.suite >> nth=0 >> svg[data-metric="acc"] a').nth(7);
    await link.focus();
    const focused = runs[7] as HistoryRun;
    expect(await page.locator('div.tip').getAttribute('data-run-id')).toBe(focused.run_id);
    expect(await page.locator('div.tip tr[data-variant="prompted"] td.acc').textContent()).toBe(
      expectedRow(focused, 'prompted').acc,
    );
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('draws a flip-rate trend after accuracy once fragility is measured, and names the latest rates', async () => {
    const runs = withFragility(generateHistory({ seed: 24, runs: 20 }), { prompted: 0.124, finetuned: 0.021 }, 8);
    const { page, watch } = await open(runs, 'fragility');
    expect(
      await page.locator('svg[data-metric]').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('data-metric'))),
    ).toEqual(['acc', 'flip', 'p95', 'cost']);
    const flip = page.locator('svg[data-metric="flip"]');
    expect(await flip.locator('circle.pt').count()).toBe(12 * 2);
    expect(await flip.locator('polygon.band').count()).toBe(2);
    const last = historyBySuite(runs)[0]?.runs.at(-1) as HistoryRun;
    const rate = (name: string) => percent(last.variants[name]?.fragility?.flip_rate ?? Number.NaN);
    expect(await page.locator('p.status .flip').textContent()).toBe(
      ` · latest flip rate: prompted ${rate('prompted')}, finetuned ${rate('finetuned')}`,
    );
    await flip.locator('circle[data-run="19"][data-variant="0"]').hover({ force: true });
    const fragility = last.variants.prompted?.fragility;
    expect(await page.locator('div.tip tr[data-variant="prompted"] td.flip').textContent()).toBe(
      `${rate('prompted')} [${percent(fragility?.flip_rate_ci[0] ?? 0)}, ${percent(fragility?.flip_rate_ci[1] ?? 0)}]`,
    );
    await flip.locator('circle[data-run="19"][data-variant="0"]').hover({ force: true });
    await page.locator('svg[data-metric="acc"] circle[data-run="2"][data-variant="0"]').hover({ force: true });
    expect(await page.locator('div.tip tr[data-variant="prompted"] td.flip').count()).toBe(0);
    expect(watch).toEqual({ errors: [], dialogs: [], requests: [] });
    await page.close();
  });

  it('stays usable with 365 runs × 4 variants: draws within seconds, every run one click away', async () => {
    const year = generateHistory({
      seed: 23,
      runs: 365,
      variants: FOUR_VARIANTS,
      n: 400,
      degrade: { variant: 'finetuned', from: 300, to: 310, accuracy: 0.75 },
      promotions: [120, 240],
    });
    const { page, watch, loadMs } = await open(year, 'year');
    const size = (await stat(join(outDir, 'year.html'))).size;
    console.log(`365 runs × 4 variants: ${Math.round(size / 1024)} KiB page, drawn in ${Math.round(loadMs)} ms`);
    const acc = page.locator('svg[data-metric="acc"]');
    // The last 90 runs by default; every variant with an accuracy is drawn, `local` has no price.
    expect(await page.locator('.ranges button[aria-pressed="true"]').textContent()).toBe('Last 90');
    expect(await acc.locator('circle.pt').count()).toBe(90 * 4);
    expect(await page.locator('svg[data-metric="cost"] circle.pt').count()).toBe(90 * 3);

    const started = performance.now();
    await page.locator('.ranges button[data-runs="365"]').click();
    console.log(`all 365 runs redrawn in ${Math.round(performance.now() - started)} ms`);
    expect(await acc.locator('circle.pt').count()).toBe(365 * 4);
    for (const index of [0, 182, 364]) {
      await acc.locator(`circle[data-run="${index}"][data-variant="3"]`).hover({ force: true });
      expect(await page.locator('div.tip').getAttribute('data-run-id')).toBe(year[index]?.run_id);
      const row = page.locator('div.tip tr[data-variant="local"]');
      expect(await row.locator('td.acc').textContent()).toBe(expectedRow(year[index] as HistoryRun, 'local').acc);
      expect(await row.locator('td.cost').textContent()).toBe('price unknown');
    }

    // Hiding a variant removes its lines from every chart; the others stay.
    await page.locator('.legend label', { hasText: 'mini' }).locator('input').uncheck();
    expect(await page.locator('path.series[data-variant="2"]').count()).toBe(0);
    expect(await page.locator('path.series[data-variant="0"]').count()).toBe(3);
    await page.locator('.legend label', { hasText: 'mini' }).locator('input').check();
    await acc.locator('circle[data-run="305"][data-variant="1"]').hover({ force: true });
    const screenshot = join(outDir, 'year.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
    expect(watch).toEqual({ errors: [], dialogs: [], requests: [] });
    await page.close();
  });
});
