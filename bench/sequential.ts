// Sequential decisions against the fixed sample, over seeded synthetic worlds (pure: no HTTP, no model).
// For each verdict scenario: mean calls of the sequential run against the fixed sample, the share saved,
// and how often each design says "non-inferior" (a switch); at the margin that rate is the false-switch
// rate, printed beside α. Usage: node bench/sequential.mjs [--worlds N]
import { parseArgs } from 'node:util';
import { requiredPairs } from '../src/decision/sample-size.js';
import { firstStop, planSequential } from '../src/decision/sequential-test.js';
import { pairedDiffInterval } from '../src/decision/statistics.js';
import { drawWorld, type World } from './sequential-worlds.js';

const { values } = parseArgs({ options: { worlds: { type: 'string', default: '200' } } });
const WORLDS = Number(values.worlds);
const MARGIN = 0.03;
const CONFIDENCE = 0.95;
const VARIANTS = 2;

// The fixed sample: what the verdict asks for to show non-inferiority of an equally accurate candidate
// with 10% discordant cases at 80% power (Lu & Bean, sample-size.ts).
const PLANNED = requiredPairs({ p10: 0.05, p01: 0.05, margin: MARGIN });
const plan = planSequential({ planned: PLANNED, looks: 5, confidence: CONFIDENCE, margin: MARGIN });

/** Scenarios by true difference d = p01 − p10 (baseline 85% accurate throughout). */
const scenarios: { name: string; world: World }[] = [
  { name: 'switch (d = 0)', world: { p10: 0.05, p01: 0.05, p11: 0.8 } },
  { name: 'keep-prompting (d = −8 pts)', world: { p10: 0.1, p01: 0.02, p11: 0.75 } },
  { name: 'inconclusive (d = −1.5 pts)', world: { p10: 0.0575, p01: 0.0425, p11: 0.7925 } },
  { name: 'A/A at the margin (d = −δ)', world: { p10: 0.065, p01: 0.035, p11: 0.785 } },
];

interface Row {
  scenario: string;
  fixedCalls: number;
  meanCalls: number;
  saved: number;
  fixedSwitch: number;
  sequentialSwitch: number;
  stops: Record<string, number>;
}

const rows: Row[] = scenarios.map(({ name, world }) => {
  let cases = 0;
  let fixedSwitch = 0;
  let sequentialSwitch = 0;
  const stops: Record<string, number> = {};
  for (let seed = 1; seed <= WORLDS; seed++) {
    const countsAt = drawWorld(world, PLANNED, seed);
    const stop = firstStop(plan, countsAt);
    cases += plan.sizes[stop.look - 1] as number;
    if (stop.stop === 'non-inferior') sequentialSwitch++;
    stops[stop.stop as string] = (stops[stop.stop as string] ?? 0) + 1;
    // The fixed design: every case, the verdict's 95% interval above −δ.
    if (pairedDiffInterval(countsAt(PLANNED), CONFIDENCE).low > -MARGIN) fixedSwitch++;
  }
  const meanCalls = (cases / WORLDS) * VARIANTS;
  const fixedCalls = PLANNED * VARIANTS;
  return {
    scenario: name,
    fixedCalls,
    meanCalls,
    saved: 1 - meanCalls / fixedCalls,
    fixedSwitch: fixedSwitch / WORLDS,
    sequentialSwitch: sequentialSwitch / WORLDS,
    stops,
  };
});

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const header = ['scenario', 'fixed calls', 'mean calls', 'saved', 'switch fixed', 'switch seq.', 'stops'];
const cells = rows.map((r) => [
  r.scenario,
  String(r.fixedCalls),
  r.meanCalls.toFixed(0),
  pct(r.saved),
  pct(r.fixedSwitch),
  pct(r.sequentialSwitch),
  Object.entries(r.stops)
    .map(([why, n]) => `${why} ${n}`)
    .join(', '),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
const line = (c: string[]) => `| ${c.map((t, i) => t.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(
  `${WORLDS} seeded worlds per scenario; N = ${PLANNED} cases (${PLANNED * VARIANTS} calls), margin ${MARGIN * 100} points, 5 looks, one-sided α = ${plan.alpha.toFixed(3)}`,
);
console.log(`bounds: ${plan.bounds.map((b) => b.toFixed(3)).join(', ')} at ${plan.sizes.join(', ')} cases`);
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n'));
const meanSaved = rows.reduce((sum, r) => sum + r.saved, 0) / rows.length;
const margin = rows.at(-1) as Row;
const mcError = Math.sqrt((plan.alpha * (1 - plan.alpha)) / WORLDS);
console.log(`mean saved over the scenarios: ${pct(meanSaved)} (target ≥ 40%: ${meanSaved >= 0.4 ? 'PASS' : 'MISS'})`);
console.log(
  `false switch at the margin: sequential ${pct(margin.sequentialSwitch)}, fixed ${pct(margin.fixedSwitch)}, α = ${pct(plan.alpha)} ` +
    `(target ≤ α: ${margin.sequentialSwitch <= plan.alpha ? 'PASS' : 'MISS'}; Monte Carlo s.e. ${pct(mcError)})`,
);
