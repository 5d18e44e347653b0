// The benchmark: tunegate against the simulator side by side with a bare HTTP loop making the same calls (the
// floor on this machine), a fully cached re-run, and large runs in bounded memory. Prints the figures.
// Usage (bundled by bench/run.mjs): main.mjs <bundle dir> [--repeats N] [--scale N] [--million] [--profile | --no-profile]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimChild } from './children.js';
import { cacheRows, pairNotes, pairRows, scaleRows, summarisePair, TARGETS } from './figures.js';
import { type Context, measureCachedRerun, measurePair, measureScale, profilePair } from './measure.js';
import { type Row, renderTable } from './table.js';
import { FINETUNED_MODEL, PROMPTED_MODEL, writeRequestBodies, writeWorkload } from './workload.js';

const CASES = 2000;
const LATENCY_MS = 20;
const CONCURRENCY = 64;
const MILLION = 1_000_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  allowNegative: true,
  options: {
    repeats: { type: 'string', default: '5' },
    scale: { type: 'string', default: '100000' },
    // Default: profile only when the wall or CPU target is missed.
    profile: { type: 'boolean' },
    // Also run 1,000,000 synthetic cases beside the --scale runs (about 5 minutes more).
    million: { type: 'boolean' },
  },
});
const bundleDir = positionals[0];
if (bundleDir === undefined) throw new Error('usage: main.mjs <bundle dir> [--repeats N] [--scale N] [--profile]');
const repeats = Math.min(20, Math.max(1, Number.parseInt(values.repeats, 10) || 1));
const scaleSize = Math.max(0, Number.parseInt(values.scale, 10) || 0);
// The large run, and one a tenth of its size, so bounded memory shows as RSS that barely grows.
const scaleSizes = scaleSize >= 10 ? [Math.round(scaleSize / 10), scaleSize] : [];
if (values.million && !scaleSizes.includes(MILLION)) scaleSizes.push(MILLION);

const workDir = await mkdtemp(join(tmpdir(), 'tunegate-bench-'));
const ctx: Context = { bundleDir, workDir, log: (message) => process.stderr.write(`bench: ${message}\n`) };
const rows: Row[] = [];
const notes: string[] = [];
try {
  const workload = await writeWorkload({
    repoDir: process.cwd(),
    workDir,
    sampleSize: CASES,
    concurrency: CONCURRENCY,
    scaleSizes,
  });
  const bodies = join(workDir, 'bodies.jsonl');
  const calls = await writeRequestBodies(workload.pairSuite, bodies);
  const setup = { suite: workload.pairSuite, bodies, calls, concurrency: CONCURRENCY };

  const sim = await startSimChild(bundleDir, {
    suite: workload.pairSuite,
    models: {
      [PROMPTED_MODEL]: { accuracy: 0.9, latency_ms: LATENCY_MS, jitter_ms: 0 },
      [FINETUNED_MODEL]: { accuracy: 0.85, latency_ms: LATENCY_MS, jitter_ms: 0 },
    },
  });
  try {
    const pair = await measurePair(ctx, sim, setup, repeats);
    rows.push(...pairRows(pair, { calls, latencyMs: LATENCY_MS, concurrency: CONCURRENCY }));
    notes.push(...pairNotes(pair, CONCURRENCY));
    const cache = await measureCachedRerun(ctx, sim, workload.pairSuite);
    rows.push(...cacheRows(cache, calls));
    const summary = summarisePair(pair);
    const missed = summary.ratio > TARGETS.wallToHttpLoop || summary.processCpuPerCallMs > TARGETS.processCpuPerCallMs;
    if (values.profile ?? missed) notes.push(await profilePair(ctx, sim, setup));
  } finally {
    await sim.stop();
  }

  const largest = scaleSizes.at(-1);
  if (largest !== undefined) {
    const scaleSim = await startSimChild(bundleDir, {
      suite: workload.scaleSuites.get(largest) as string,
      models: { [FINETUNED_MODEL]: { accuracy: 0.85, latency_ms: 1, jitter_ms: 1 } },
    });
    try {
      rows.push(...scaleRows(await measureScale(ctx, scaleSim, workload.scaleSuites)));
    } finally {
      await scaleSim.stop();
    }
    notes.push(`scale runs: latency 0–2 ms (1 ± 1), concurrency ${CONCURRENCY}, distinct synthetic BANKING77 messages`);
  }

  process.stdout.write(`\ntunegate benchmark — simulated models on 127.0.0.1, Node ${process.version}\n\n`);
  process.stdout.write(`${renderTable(rows)}\n\n${notes.join('\n')}\n`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
