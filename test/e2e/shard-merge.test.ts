import { appendFile, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/report/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

/**
 * Sums of money depend on the order the answers arrived in, which no run fixes (not even an unsharded
 * one): compared to 12 significant digits.
 */
function roundFloats(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  // Latency is wall time, measured anew by every run: its figures and the sentences quoting them are left out.
  if (typeof value === 'string') return value.replace(/latency changes by [^.]*\./, 'latency changes by (timing).');
  if (Array.isArray(value)) return value.map(roundFloats);
  if (value && typeof value === 'object') {
    const kept = Object.entries(value).filter(([k]) => !/latency|ttft/.test(k));
    return Object.fromEntries(kept.map(([k, v]) => [k, roundFloats(v)]));
  }
  return value;
}

/** What must not differ between a sharded and an unsharded run: everything but timing and run identity. */
function decisionFacts(results: RunResults) {
  return roundFloats(
    results.suites.map((suite) => ({
      name: suite.name,
      dataset: suite.dataset,
      passed: suite.passed,
      variants: Object.fromEntries(
        Object.entries(suite.variants).map(([name, v]) => {
          const { latency_ms: _latency, ttft_ms: _ttft, ...metrics } = v.metrics;
          return [name, { ...v, metrics }];
        }),
      ),
      comparison: suite.comparison,
      economics: suite.economics,
      verdict: suite.verdict,
      flipped_cases: suite.flipped_cases,
    })),
  );
}

type Line = { variant: string; case_id: string; index: number; correct: boolean; run_id: string };
const byKey = (lines: Line[]) => lines.map((l) => `${l.variant}/${l.case_id}/${l.index}/${l.correct}`).sort();

describe('run --shard K/N on three machines, then merge', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let suite: string;

  beforeAll(async () => {
    const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
    simulator = await startSimulator({
      seed: 5,
      cases,
      models: {
        'sim-big': { accuracy: 0.9, latency_ms: 1, jitter_ms: 1 },
        'sim-small': { accuracy: 0.86, latency_ms: 1, jitter_ms: 1 },
      },
    });
    dir = await tempDir();
    const dataset = await copyBankingSample(dir);
    suite = await writeSuite(
      dir,
      'suite.yaml',
      `name: banking-shards
dataset: { path: ${dataset} }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url}, concurrency: 16 }
variants:
  big: { role: prompted, provider: sim, model: sim-big, system: Answer with the intent label only. }
  small: { role: finetuned, provider: sim, model: sim-small }
pricing:
  sim-big: { input: 2, output: 8 }
  sim-small: { input: 0.2, output: 0.8 }
thresholds:
  accuracy: { min: 0.88 }
decision: { monthly_requests: 100000, max_accuracy_loss: 0.05 }
`,
    );
    const full = await runCli(['run', 'suite.yaml', '--out', 'full', '--no-cache', '--quiet'], { cwd: dir });
    expect(full.stderr).not.toMatch(/error/);
    for (const k of [1, 2, 3]) {
      const shard = await runCli(
        ['run', 'suite.yaml', '--out', `s${k}`, '--no-cache', '--quiet', '--shard', `${k}/3`],
        {
          cwd: dir,
        },
      );
      expect(shard.stderr).not.toMatch(/error/);
      // A shard's gates rest on part of the cases: merge gates the run (its small variant misses 0.88 on all).
      expect(shard.code).toBe(0);
    }
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('splits the cases by id: every case in exactly one shard, with both variants', async () => {
    const seen = new Map<string, Set<string>>();
    for (const k of [1, 2, 3]) {
      const results = JSON.parse(await readFile(join(dir, `s${k}`, 'results.json'), 'utf8'));
      expect(results.shard).toMatchObject({ index: k, count: 3, suite_files: ['suite.yaml'] });
      expect(results.suites[0].dataset.cases).toBeGreaterThan(30);
      expect(results.suites[0].dataset.cases).toBeLessThan(110);
      // A shard's own paired comparison pairs its own cases (indexed within the shard), all of them.
      const [comparison] = Object.values(results.suites[0].comparison) as { n: number }[];
      expect(comparison?.n).toBe(results.suites[0].dataset.cases);
      for (const line of await readJsonl<Line>(join(dir, `s${k}`, 'cases.jsonl'))) {
        const shards = seen.get(line.case_id) ?? new Set();
        shards.add(`${k}:${line.variant}`);
        seen.set(line.case_id, shards);
      }
    }
    expect(seen.size).toBe(200);
    for (const shards of seen.values()) {
      expect(shards.size).toBe(2);
      expect(new Set([...shards].map((s) => s.split(':')[0])).size).toBe(1);
    }
  });

  it('merges into the results.json, verdict and cases of the unsharded run', async () => {
    const merged = await runCli(['merge', 'merged', 's1', 's2', 's3', '--markdown', 'merged.md'], { cwd: dir });
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/small: accuracy ≥ 0\.88, got 86\.0%/);
    const full: RunResults = JSON.parse(await readFile(join(dir, 'full', 'results.json'), 'utf8'));
    const result: RunResults = JSON.parse(await readFile(join(dir, 'merged', 'results.json'), 'utf8'));
    expect(result.shard).toBeUndefined();
    expect(full.suites[0]?.variants.big?.metrics.n).toBe(200);
    // The paired statistics have something to pair: the variants disagree on some cases.
    const [comparison] = Object.values(full.suites[0]?.comparison ?? {});
    expect(
      (comparison?.flipped.right_to_wrong.length ?? 0) + (comparison?.flipped.wrong_to_right.length ?? 0),
    ).toBeGreaterThan(0);
    expect(decisionFacts(result)).toEqual(decisionFacts(full));
    const { calls, errors, cached, spent_usd, passed } = full.summary;
    expect(result.summary).toMatchObject({ calls, errors, cached, passed });
    expect(result.summary.spent_usd).toBeCloseTo(spent_usd, 12);
    const fullLines = await readJsonl<Line>(join(dir, 'full', 'cases.jsonl'));
    const mergedLines = await readJsonl<Line>(join(dir, 'merged', 'cases.jsonl'));
    expect(byKey(mergedLines)).toEqual(byKey(fullLines));
    expect(new Set(mergedLines.map((l) => l.run_id))).toEqual(new Set([result.run_id]));
    expect(merged.stdout).toContain(`verdict: ${full.suites[0]?.verdict.decision.toUpperCase()}`);
    expect(await readFile(join(dir, 'merged.md'), 'utf8')).toContain('banking-shards');
  });

  it('names a missing shard and a shard given twice, and publishes nothing', async () => {
    const missing = await runCli(['merge', 'bad', 's1', 's3'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 2/3 is missing');
    await cp(join(dir, 's3'), join(dir, 's3-again'), { recursive: true });
    const twice = await runCli(['merge', 'bad', 's1', 's2', 's3', 's3-again'], { cwd: dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`shard 3/3 appears twice: ${join(dir, 's3')}, ${join(dir, 's3-again')}`);
    const notShard = await runCli(['merge', 'bad', 'full'], { cwd: dir });
    expect(notShard.stderr).toMatch(/full\/results\.json:1:1 not one shard of a run: run it with --shard K\/N/);
    await expect(readFile(join(dir, 'bad', 'results.json'))).rejects.toThrow();
  });

  it('refuses a malformed --shard and --shard with --history before any call', async () => {
    const bad = await runCli(['run', suite, '--shard', '4/3', '--quiet'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard expects K/N with 1 ≤ K ≤ N (e.g. 2/4), got "4/3"');
    const history = await runCli(['run', suite, '--shard', '1/2', '--history', 'h.jsonl'], { cwd: dir });
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('--shard cannot be combined with --history');
  });

  it('refuses shards of a dataset that has changed since (merge must see the case lists they split)', async () => {
    await appendFile(join(dir, 'banking.jsonl'), '{"input":"where is my card","expected":"card_arrival"}\n');
    const changed = await runCli(['merge', 'bad', 's1', 's2', 's3'], { cwd: dir });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('the suites (suite.yaml) or their datasets changed since the shards ran');
  });
});
