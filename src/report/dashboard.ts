import { createHash } from 'node:crypto';
import type { HistoryRun } from '../history/types.js';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './dashboard-client.js';
import { dashboardData, jsonForScript } from './dashboard-data.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page may run only its own script and style (by hash) and load nothing: no CDN, no request of any
 * kind, so it works from a file and an injected element could not run or phone home.
 */
function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(DASHBOARD_SCRIPT)}`,
    `style-src ${sha256(DASHBOARD_STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The history as one self-contained HTML page: per suite and variant, accuracy with its interval band,
 * p95 latency and cost per 1k over time, drift, accepted references and verdict changes marked, the
 * numbers on hover and a link from each point to its run. Inline CSS, SVG and script; the data rides
 * along as JSON in `script#tunegate-data`.
 */
export function renderDashboard(runs: readonly HistoryRun[], options: { generated?: Date } = {}): string {
  const data = dashboardData(runs, options.generated ?? new Date());
  const runCount = new Set(runs.map((run) => run.run_id)).size;
  const suiteCount = data.suites.length;
  const simulated = runs.some((run) => run.simulated) ? ' · includes simulated runs (not a real model)' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<title>tunegate dashboard</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
<h1>tunegate dashboard</h1>
<p class="meta">${runCount} ${runCount === 1 ? 'run' : 'runs'} of ${suiteCount} ${suiteCount === 1 ? 'suite' : 'suites'} · generated ${data.generated.slice(0, 16).replace('T', ' ')} UTC${simulated}</p>
</header>
<main id="suites"></main>
<noscript><p>The charts need JavaScript; the data is in this page as JSON (script#tunegate-data).</p></noscript>
<script type="application/json" id="tunegate-data">${jsonForScript(data)}</script>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
