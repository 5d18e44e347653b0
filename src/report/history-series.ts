import type { HistoryRun } from '../history/types.js';

/** One suite's runs in time order, with every variant that ever ran in it (in order of first appearance). */
export interface SuiteHistory {
  suite: string;
  variants: string[];
  runs: HistoryRun[];
}

function timeOf(run: HistoryRun): number {
  const time = Date.parse(run.date);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** Groups history runs by suite (in order of first appearance), each suite's runs sorted by date. */
export function historyBySuite(runs: readonly HistoryRun[]): SuiteHistory[] {
  const bySuite = new Map<string, HistoryRun[]>();
  for (const run of runs) {
    const list = bySuite.get(run.suite) ?? [];
    list.push(run);
    bySuite.set(run.suite, list);
  }
  return [...bySuite].map(([suite, list]) => {
    // A stable sort keeps the file's order for runs that finished at the same time; an unreadable date goes last.
    const sorted = [...list].sort((a, b) => Math.sign(timeOf(a) - timeOf(b)) || 0);
    const variants = [...new Set(sorted.flatMap((run) => Object.keys(run.variants)))];
    return { suite, variants, runs: sorted };
  });
}

/** The variant's entry in a run, read as an own property (a variant may be named `__proto__`). */
export function variantOf(run: HistoryRun, name: string): HistoryRun['variants'][string] | undefined {
  return Object.hasOwn(run.variants, name) ? run.variants[name] : undefined;
}

/** Line colours of the variants, shared by the Mermaid trend and the HTML dashboard. */
export const SERIES_COLOURS = [
  { name: 'blue', hex: '#2563eb' },
  { name: 'orange', hex: '#ea580c' },
  { name: 'green', hex: '#16a34a' },
  { name: 'purple', hex: '#9333ea' },
  { name: 'pink', hex: '#db2777' },
  { name: 'teal', hex: '#0891b2' },
  { name: 'olive', hex: '#65a30d' },
  { name: 'brown', hex: '#92400e' },
] as const;

export function seriesColour(index: number): (typeof SERIES_COLOURS)[number] {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] as (typeof SERIES_COLOURS)[number];
}
