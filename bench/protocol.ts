/**
 * What the benchmark's processes tell each other. Every measurement runs in its own child process so
 * its CPU time and peak memory belong to it alone; a child gets one JSON job as its only argument and
 * prints one JSON line of figures on stdout.
 */

/** CPU and memory of the current process, read with process.cpuUsage / process.resourceUsage. */
export interface ProcessFigures {
  /** user + system CPU of the whole process so far. */
  cpu_ms: number;
  /** Peak resident set size of the whole process so far. */
  max_rss_mb: number;
  /** Time since the process started (performance.now()). */
  uptime_ms: number;
}

export interface FloorJob {
  /** JSONL file of request bodies, one per call, exactly as tunegate sends them. */
  bodies: string;
  url: string;
  concurrency: number;
  /**
   * `fetch`: Node's global fetch, the transport the openai SDK uses (the floor tunegate is held to).
   * `http`: node:http with a keep-alive agent, for reference: what a cheaper transport costs.
   */
  transport: 'fetch' | 'http';
  /** Write a .cpuprofile of the timed loop here. */
  profile?: string;
}

export interface FloorFigures {
  calls: number;
  failures: number;
  wall_ms: number;
  /** CPU spent during the timed loop only. */
  loop_cpu_ms: number;
  process: ProcessFigures;
}

export interface TunegateJob {
  suite: string;
  url: string;
  outDir: string;
  cacheDir?: string;
  /** Write a .cpuprofile of evaluate() here. */
  profile?: string;
}

export interface TunegateFigures {
  calls: number;
  errors: number;
  cached: number;
  /** Wall time of evaluate(), from its call to its return. */
  evaluate_ms: number;
  /** CPU spent inside evaluate() only (no module loading, no suite validation). */
  evaluate_cpu_ms: number;
  /** Resident set size once modules are loaded and the suite validated, just before evaluate(). */
  rss_before_evaluate_mb: number;
  accuracy: Record<string, number>;
  process: ProcessFigures;
}

export interface SimJob {
  suite: string;
  models: Record<string, { accuracy: number; latency_ms: number; jitter_ms: number }>;
}

/** The simulator child answers `stats` on stdin with one of these. */
export interface SimFigures {
  cpu_ms: number;
  completions: number;
  unknown_input: number;
}

/** The URL line the simulator child prints once it listens. */
export const SIM_READY_PREFIX = 'listening ';

export function processFigures(): ProcessFigures {
  const cpu = process.cpuUsage();
  return {
    cpu_ms: (cpu.user + cpu.system) / 1000,
    // maxRSS is in KiB.
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    uptime_ms: performance.now(),
  };
}

export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A child's job, from its only argument. */
export function readJob<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('usage: node <child>.mjs <job as JSON>');
  return JSON.parse(raw) as T;
}

/** The child's single stdout line. */
export function report(figures: object): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
