// Turns the measurements into table rows (with targets) and notes.
import type { CacheMeasurement, PairMeasurement, ScaleMeasurement } from './measure.js';
import { mb, median, ms, type Row } from './table.js';

/**
 * The targets (#14): the whole tunegate process (spawn to exit) against the bare node:http keep-alive
 * loop's own timed wall on the same simulator in the same round, its CPU per call, and a fully cached re-run.
 */
export const TARGETS = { wallToHttpLoop: 1.5, processCpuPerCallMs: 0.45, cachedProcessMs: 500 };

export interface PairShape {
  calls: number;
  latencyMs: number;
  concurrency: number;
}

export interface PairSummary {
  httpLoopWallMs: number;
  processWallMs: number;
  /** tunegate's whole-process wall / the node:http loop's wall. */
  ratio: number;
  processCpuPerCallMs: number;
}

/** Each figure is the median of its per-round values. */
export function summarisePair(pair: PairMeasurement): PairSummary {
  const httpLoopWallMs = median(pair.httpFloors.map((f) => f.figures.wall_ms));
  const processWallMs = median(pair.runs.map((r) => r.process_wall_ms));
  const processCpuPerCallMs = median(pair.runs.map((r) => r.figures.process.cpu_ms / r.figures.calls));
  return { httpLoopWallMs, processWallMs, ratio: processWallMs / httpLoopWallMs, processCpuPerCallMs };
}

const whole = (list: number[]) => list.map((value) => Math.round(value)).join(', ');
const perCall = (value: number) => `${value.toFixed(3)} ms`;

export function pairRows(pair: PairMeasurement, shape: PairShape): Row[] {
  const summary = summarisePair(pair);
  const idealMs = (shape.calls * shape.latencyMs) / shape.concurrency;
  const repeats = pair.runs.length;
  const http = pair.httpFloors;
  const fetchWallMs = median(pair.floors.map((f) => f.figures.wall_ms));
  const runs = pair.runs;
  const calls = (r: (typeof runs)[number]) => r.figures.calls;
  return [
    { figure: `ideal bound: ${shape.calls} calls × ${shape.latencyMs} ms / ${shape.concurrency}`, value: ms(idealMs) },
    {
      figure: `node:http keep-alive loop, ${shape.concurrency} in flight: timed loop wall (median of ${repeats})`,
      value: `${ms(summary.httpLoopWallMs)} (${(summary.httpLoopWallMs / idealMs).toFixed(2)}× ideal)`,
    },
    {
      figure: '  node:http loop: CPU per call (loop / whole process)',
      value: `${perCall(median(http.map((f) => f.figures.loop_cpu_ms / f.figures.calls)))} / ${perCall(median(http.map((f) => f.figures.process.cpu_ms / f.figures.calls)))}`,
    },
    {
      figure: '  node:http loop: whole process, spawn to exit',
      value: `${ms(median(http.map((f) => f.process_wall_ms)))}, CPU ${ms(median(http.map((f) => f.figures.process.cpu_ms)))}, peak RSS ${mb(Math.max(...http.map((f) => f.figures.process.max_rss_mb)))}`,
    },
    {
      figure: `tunegate: whole process, spawn to exit (median of ${repeats})`,
      value: `${ms(summary.processWallMs)}, CPU ${ms(median(runs.map((r) => r.figures.process.cpu_ms)))}`,
    },
    {
      figure: '  whole-process wall / node:http loop wall',
      value: `${summary.ratio.toFixed(2)}×`,
      target: `≤ ${TARGETS.wallToHttpLoop}×`,
      pass: summary.ratio <= TARGETS.wallToHttpLoop,
    },
    {
      figure: '  whole-process CPU per call',
      value: perCall(summary.processCpuPerCallMs),
      target: `≤ ${TARGETS.processCpuPerCallMs} ms`,
      pass: summary.processCpuPerCallMs <= TARGETS.processCpuPerCallMs,
    },
    {
      figure: '  of which in evaluate() (wall; CPU per call)',
      value: `${ms(median(runs.map((r) => r.figures.evaluate_ms)))}; ${perCall(median(runs.map((r) => r.figures.evaluate_cpu_ms / calls(r))))}`,
    },
    {
      figure: '  peak RSS (max of runs; before evaluate(): modules loaded, suite validated)',
      value: `${mb(Math.max(...runs.map((r) => r.figures.process.max_rss_mb)))} (${mb(median(runs.map((r) => r.figures.rss_before_evaluate_mb)))})`,
    },
    {
      figure: "for reference: the same loop over Node's global fetch (the openai SDK's default transport)",
      value: `${ms(fetchWallMs)}, ${perCall(median(pair.floors.map((f) => f.figures.loop_cpu_ms / f.figures.calls)))} CPU/call, peak RSS ${mb(Math.max(...pair.floors.map((f) => f.figures.process.max_rss_mb)))}`,
    },
  ];
}

export function pairNotes(pair: PairMeasurement, concurrency: number): string[] {
  const failures =
    pair.runs.reduce((sum, r) => sum + r.figures.errors, 0) +
    pair.floors.reduce((sum, f) => sum + f.figures.failures, 0);
  const accuracy = Object.entries(pair.runs[0]?.figures.accuracy ?? {})
    .map(([name, value]) => `${name} ${value.toFixed(3)}`)
    .join(', ');
  return [
    `walls per round: node:http loop ${whole(pair.httpFloors.map((f) => f.figures.wall_ms))} ms; tunegate whole process ${whole(pair.runs.map((r) => r.process_wall_ms))} ms (evaluate() ${whole(pair.runs.map((r) => r.figures.evaluate_ms))} ms); fetch loop ${whole(pair.floors.map((f) => f.figures.wall_ms))} ms`,
    `simulator CPU per round (its own process): during floor ${whole(pair.simCpuMs.floor)} ms; during tunegate ${whole(pair.simCpuMs.tunegate)} ms`,
    `both variants share one provider (one lane) limited to ${concurrency} in flight; the floor keeps the same ${concurrency} calls in flight`,
    `accuracy measured by tunegate (simulator set to 0.90 / 0.85): ${accuracy}`,
    `failed calls across timed runs: ${failures}; requests the simulator could not match to a case: ${pair.unknownInputs}`,
  ];
}

export function cacheRows(cache: CacheMeasurement, calls: number): Row[] {
  const rerun = cache.rerun.figures;
  const complete = rerun.cached === calls && cache.rerunSimCalls === 0;
  return [
    { figure: 'cache-filling run, evaluate()', value: ms(cache.fill.figures.evaluate_ms) },
    {
      figure: `fully cached re-run, evaluate() (${rerun.cached}/${rerun.calls} cached, ${cache.rerunSimCalls} calls made)`,
      value: `${ms(rerun.evaluate_ms)}, CPU ${ms(rerun.evaluate_cpu_ms)}`,
    },
    {
      figure: '  cached re-run, whole process (spawn to exit, incl. Node start-up and suite loading)',
      value: `${ms(cache.rerun.process_wall_ms)}, CPU ${ms(rerun.process.cpu_ms)}, peak RSS ${mb(rerun.process.max_rss_mb)}`,
      target: `≤ ${ms(TARGETS.cachedProcessMs)}`,
      pass: complete && cache.rerun.process_wall_ms <= TARGETS.cachedProcessMs,
    },
  ];
}

/** The memory targets: 100,000 cases within 250 MB, 1,000,000 within 20% of that run's peak. */
const SCALE_TARGETS = { rssAtCases: 100_000, peakRssMb: 250, millionRatio: 1.2 };

export function scaleRows(scale: ScaleMeasurement[]): Row[] {
  const rows: Row[] = [];
  for (const { size, run, casesLines } of scale) {
    const f = run.figures;
    rows.push(
      {
        figure: `scale: ${size} cases × 1 variant, evaluate()`,
        value: `${ms(f.evaluate_ms)}, ${Math.round(f.calls / (f.evaluate_ms / 1000))} calls/s, ${(f.evaluate_cpu_ms / f.calls).toFixed(3)} ms CPU/call`,
      },
      {
        figure: '  cases.jsonl lines',
        value: `${casesLines} (${f.errors} errors)`,
        target: `= ${size}`,
        pass: casesLines === size && f.errors === 0,
      },
      {
        figure: '  peak RSS',
        value: `${mb(f.process.max_rss_mb)} (before evaluate() ${mb(f.rss_before_evaluate_mb)})`,
      },
    );
  }
  const hundredThousand = scale.find((m) => m.size === SCALE_TARGETS.rssAtCases);
  if (hundredThousand) {
    const peak = hundredThousand.run.figures.process.max_rss_mb;
    rows.push({
      figure: `  peak RSS at ${SCALE_TARGETS.rssAtCases} cases`,
      value: mb(peak),
      target: `≤ ${SCALE_TARGETS.peakRssMb} MB`,
      pass: peak <= SCALE_TARGETS.peakRssMb,
    });
  }
  // Side by side, each larger run against the one before it (10k → 100k, and with --million 100k → 1M).
  for (const [i, large] of scale.entries()) {
    const small = scale[i - 1];
    if (!small || large.size <= small.size) continue;
    const ratio = large.run.figures.process.max_rss_mb / small.run.figures.process.max_rss_mb;
    // evaluate()'s own peak above the loaded suite: what holding records would make grow with the case count.
    const ownGrowth = (m: ScaleMeasurement) => m.run.figures.process.max_rss_mb - m.run.figures.rss_before_evaluate_mb;
    const perCaseBytes = ((ownGrowth(large) - ownGrowth(small)) * 1048576) / (large.size - small.size);
    const million = large.size >= SCALE_TARGETS.rssAtCases * 10;
    rows.push(
      {
        figure: `  peak RSS ${large.size} / ${small.size} cases`,
        value: `${mb(large.run.figures.process.max_rss_mb)} / ${mb(small.run.figures.process.max_rss_mb)} = ${ratio.toFixed(2)}× for ${large.size / small.size}× the cases`,
        target: million ? `≤ ${SCALE_TARGETS.millionRatio}×` : '< 2×',
        pass: ratio <= (million ? SCALE_TARGETS.millionRatio : 2),
      },
      {
        figure: '    evaluate() growth per added case (peak − before)',
        value: `${Math.round(perCaseBytes)} B (a cases.jsonl record: ${Math.round(large.casesBytes / large.casesLines)} B)`,
      },
    );
  }
  return rows;
}
