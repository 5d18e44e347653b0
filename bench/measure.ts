// The measurements, each a sequence of child processes against a running simulator.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChildRun, runChild, type SimChild } from './children.js';
import { compareProfiles } from './profile.js';
import type { FloorFigures, FloorJob, TunegateFigures, TunegateJob } from './protocol.js';

const CHILD_TIMEOUT_MS = 120_000;
/** Per 100,000 scale cases: a 1,000,000-case run (--million) gets ten times as long. */
const SCALE_TIMEOUT_MS = 600_000;

export interface Context {
  bundleDir: string;
  workDir: string;
  log(message: string): void;
}

export interface PairSetup {
  suite: string;
  bodies: string;
  calls: number;
  concurrency: number;
}

export interface PairMeasurement {
  /** The floor: bare loops over fetch. */
  floors: ChildRun<FloorFigures>[];
  /** For reference: the same bare loop over node:http. */
  httpFloors: ChildRun<FloorFigures>[];
  runs: ChildRun<TunegateFigures>[];
  /** Simulator CPU during each floor / tunegate run (its own process). */
  simCpuMs: { floor: number[]; tunegate: number[] };
  /** Requests the simulator could not match to a case (must be 0: same cases on both sides). */
  unknownInputs: number;
}

export interface CacheMeasurement {
  fill: ChildRun<TunegateFigures>;
  rerun: ChildRun<TunegateFigures>;
  /** Completions the simulator served during the re-run (must be 0). */
  rerunSimCalls: number;
}

export interface ScaleMeasurement {
  size: number;
  run: ChildRun<TunegateFigures>;
  casesLines: number;
  casesBytes: number;
}

/** The simulator's CPU and completions over the interval of `measure`. */
async function withSimDelta<T>(sim: SimChild, measure: () => Promise<T>) {
  const before = await sim.stats();
  const result = await measure();
  const after = await sim.stats();
  return {
    result,
    simCpuMs: after.cpu_ms - before.cpu_ms,
    simCalls: after.completions - before.completions,
    unknownInputs: after.unknown_input - before.unknown_input,
  };
}

function floor(ctx: Context, job: FloorJob) {
  return runChild<FloorFigures>(ctx.bundleDir, 'floor-child', job, { timeoutMs: CHILD_TIMEOUT_MS });
}

function tunegate(ctx: Context, job: TunegateJob, timeoutMs = CHILD_TIMEOUT_MS) {
  return runChild<TunegateFigures>(ctx.bundleDir, 'tunegate-child', job, { timeoutMs });
}

/**
 * Rounds of floor (fetch), tunegate and the node:http loop, one after the other, after untimed floor and tunegate
 * runs that warm the simulator and the compile cache up.
 */
export async function measurePair(
  ctx: Context,
  sim: SimChild,
  setup: PairSetup,
  repeats: number,
): Promise<PairMeasurement> {
  const floorJob: FloorJob = { bodies: setup.bodies, url: sim.url, concurrency: setup.concurrency, transport: 'fetch' };
  ctx.log(`simulator at ${sim.url}; one untimed floor run and one untimed tunegate run warm it up`);
  await floor(ctx, floorJob);
  // Fills Node's compile cache for the bundle, as any earlier run of the CLI would have.
  await tunegate(ctx, { suite: setup.suite, url: sim.url, outDir: join(ctx.workDir, 'warm-up') });
  const result: PairMeasurement = {
    floors: [],
    httpFloors: [],
    runs: [],
    simCpuMs: { floor: [], tunegate: [] },
    unknownInputs: 0,
  };
  for (let round = 1; round <= repeats; round++) {
    ctx.log(`round ${round}/${repeats}: floor, tunegate, node:http loop (${setup.calls} calls each)`);
    const bare = await withSimDelta(sim, () => floor(ctx, floorJob));
    const outDir = join(ctx.workDir, `uncached-${round}`);
    const run = await withSimDelta(sim, () => tunegate(ctx, { suite: setup.suite, url: sim.url, outDir }));
    const http = await withSimDelta(sim, () => floor(ctx, { ...floorJob, transport: 'http' }));
    result.floors.push(bare.result);
    result.runs.push(run.result);
    result.httpFloors.push(http.result);
    result.simCpuMs.floor.push(bare.simCpuMs);
    result.simCpuMs.tunegate.push(run.simCpuMs);
    result.unknownInputs += bare.unknownInputs + run.unknownInputs + http.unknownInputs;
  }
  return result;
}

/** One run fills a fresh cache; a new process then re-runs the same calls with it warm. */
export async function measureCachedRerun(ctx: Context, sim: SimChild, suite: string): Promise<CacheMeasurement> {
  ctx.log('cached re-run: one run fills the cache, a fresh process re-runs with it warm');
  const cacheDir = join(ctx.workDir, 'cache');
  const fill = await tunegate(ctx, { suite, url: sim.url, outDir: join(ctx.workDir, 'fill'), cacheDir });
  const rerun = await withSimDelta(sim, () =>
    tunegate(ctx, { suite, url: sim.url, outDir: join(ctx.workDir, 'rerun'), cacheDir }),
  );
  return { fill, rerun: rerun.result, rerunSimCalls: rerun.simCalls };
}

/**
 * Profiles the measured window of one node:http loop (the floor the targets refer to) and one uncached tunegate
 * run; returns the comparison.
 */
export async function profilePair(ctx: Context, sim: SimChild, setup: PairSetup): Promise<string> {
  ctx.log('profiling one floor run and one uncached tunegate run (measured window only)');
  const floorProfile = join(ctx.workDir, 'floor.cpuprofile');
  const tunegateProfile = join(ctx.workDir, 'tunegate.cpuprofile');
  const job: FloorJob = { bodies: setup.bodies, url: sim.url, concurrency: setup.concurrency, transport: 'http' };
  await floor(ctx, { ...job, profile: floorProfile });
  const outDir = join(ctx.workDir, 'profiled');
  await tunegate(ctx, { suite: setup.suite, url: sim.url, outDir, profile: tunegateProfile });
  return compareProfiles(floorProfile, tunegateProfile, ctx.bundleDir, setup.calls);
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

/** One uncached run per suite, smallest first; counts the lines of each cases.jsonl. */
export async function measureScale(
  ctx: Context,
  sim: SimChild,
  suites: Map<number, string>,
): Promise<ScaleMeasurement[]> {
  const results: ScaleMeasurement[] = [];
  for (const [size, suite] of [...suites].sort((a, b) => a[0] - b[0])) {
    ctx.log(`scale: ${size} cases × 1 variant`);
    const outDir = join(ctx.workDir, `scale-${size}`);
    const run = await tunegate(ctx, { suite, url: sim.url, outDir }, SCALE_TIMEOUT_MS * Math.max(1, size / 100_000));
    const cases = join(outDir, 'cases.jsonl');
    results.push({ size, run, casesLines: await countLines(cases), casesBytes: (await stat(cases)).size });
  }
  return results;
}
