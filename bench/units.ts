// Speeds that unit tests used to bound by wall-clock time (flaky on a loaded machine), measured here instead:
// reading and sampling a 100,000-row dataset, folding 100,000 records into metrics, a call retried on 429 with
// retry-after-ms honoured, perturbing a 100 KB input, measuring and comparing fragility, and estimating the
// tokens of a 1 MB token and a 50 MB line.
// Usage: node bench/units.mjs [--repeats N]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCases } from '../src/dataset/load.js';
import { compareFragility } from '../src/fragility/compare.js';
import { measureFragility } from '../src/fragility/measure.js';
import { perturbInput } from '../src/fragility/perturb-input.js';
import { createModelClient } from '../src/providers/client.js';
import { countTokens, loadTokenizer } from '../src/providers/tokens.js';
import { createMetricsAccumulator } from '../src/scoring/metrics.js';
import type { ScoredRecord } from '../src/scoring/types.js';
import { startSimulator } from '../src/sim/index.js';
import { INPUT_FAMILIES } from '../src/suite/fragility-families.js';
import { loadSuites } from '../src/suite/load.js';
import type { LoadedSuite } from '../src/suite/types.js';
import { syntheticWorld } from '../test/fragility/synthetic-world.js';

const ROWS = 100_000;
const repeatsFlag = process.argv.indexOf('--repeats');
const REPEATS = repeatsFlag >= 0 ? Number(process.argv[repeatsFlag + 1]) : 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function suiteReading(dir: string, file: string, data: string, datasetYaml: string): Promise<LoadedSuite> {
  await writeFile(join(dir, file), data);
  const suiteFile = `${file}.yaml`;
  await writeFile(
    join(dir, suiteFile),
    `name: bench\ndataset:\n  path: ${file}\n${datasetYaml}\ntask:\n  kind: generation\n` +
      'providers:\n  local: { base_url: http://127.0.0.1:8000/v1 }\nvariants:\n  small: { role: prompted, provider: local, model: tiny }\n',
  );
  const loaded = await loadSuites([suiteFile], { cwd: dir, env: {} });
  const [suite] = loaded.suites;
  if (!suite) throw new Error(`bench suite did not load: ${JSON.stringify(loaded.problems)}`);
  return suite;
}

async function datasetFigures(dir: string): Promise<string[]> {
  const jsonl = Array.from({ length: ROWS }, (_, i) =>
    JSON.stringify({ input: `message ${i}`, expected: `label ${i % 77}` }),
  );
  const sampled = await suiteReading(dir, 'big.jsonl', `${jsonl.join('\n')}\n`, '  sample: { size: 1000, seed: 3 }');
  const csvRows = Array.from({ length: ROWS }, (_, i) => `message ${i},label ${i % 77}`);
  const csv = await suiteReading(dir, 'big.csv', `input,expected\n${csvRows.join('\n')}\n`, '');
  const sampleMs = await timed(() => loadCases(sampled));
  const csvMs = await timed(() => loadCases(csv));
  return [
    `dataset: ${ROWS.toLocaleString('en')} JSONL rows read, 1,000 sampled: ${sampleMs.toFixed(0)} ms`,
    `dataset: ${ROWS.toLocaleString('en')} CSV rows read in full: ${csvMs.toFixed(0)} ms`,
  ];
}

function metricsFigure(): Promise<string> | string {
  const labels = ['a', 'b', 'c'];
  const records: ScoredRecord[] = Array.from({ length: ROWS }, (_, i) => {
    const gold = labels[i % 3] as string;
    const predicted = i % 10 === 0 ? (labels[(i + 1) % 3] as string) : gold;
    return {
      ...{ suite: 's', variant: 'v', case_id: String(i), index: i, input: 'x', expected: gold, output: predicted },
      ...{ error: null, cached: false, latency_ms: i % 1000, ttft_ms: null, attempts: 1, cost_usd: 0.0001 },
      ...{ usage: { prompt: 10, completion: 2, cached: 0 }, expected_label: gold, predicted_label: predicted },
      ...{ correct: predicted === gold, scores: [{ scorer: 'labels', pass: predicted === gold, value: 1 }] },
    } as unknown as ScoredRecord;
  });
  return timed(() => {
    const metrics = createMetricsAccumulator({ kind: 'classification', labels });
    for (const record of records) metrics.add(record);
    return metrics.finish();
  }).then((ms) => `metrics: ${ROWS.toLocaleString('en')} records folded: ${ms.toFixed(0)} ms`);
}

async function retryFigure(): Promise<string> {
  await loadTokenizer();
  const sim = await startSimulator({
    cases: [{ input: 'How do I locate my card?', expected: 'card_arrival' }],
    models: { small: { accuracy: 1 } },
    faults: { rate_429: 1, retry_after_ms: 50 },
  });
  try {
    const provider = {
      ...{ name: 'local', base_url: sim.url, headers: {}, timeout_ms: 5000, max_retries: 3 },
      ...{ concurrency: 1, stream: false, stream_usage: true },
    };
    const client = createModelClient(provider, {});
    const request = { model: 'small', messages: [{ role: 'user' as const, content: 'Message: card' }], params: {} };
    const ms = await timed(() => client.complete(request).catch(() => undefined));
    return `retry: 4 attempts on 429 with retry-after-ms 50 (3 waits of 50–75 ms): ${ms.toFixed(0)} ms (the SDK's own backoff: ≥ 2,600 ms)`;
  } finally {
    await sim.close();
  }
}

async function fragilityFigures(): Promise<string[]> {
  const input = 'Order 12,345.67 arrived late; email help@shop.example or call 555-0100. '.repeat(1400);
  const key = { caseId: 'case-1', seed: 7, index: 0 };
  const perturbed: string[] = [];
  for (const family of INPUT_FAMILIES) {
    const ms = await timed(() => perturbInput(input, family, key));
    perturbed.push(`${family} ${ms.toFixed(1)} ms`);
  }
  const truth = { typos: 0.1, case: 0.05, whitespace: 0.02, punctuation: 0.02, filler: 0.05, instruction: 0.1 };
  const baseline = syntheticWorld({ seed: 1, cases: 100, perCase: 4, truth });
  const candidate = syntheticWorld({ seed: 2, cases: 100, perCase: 4, truth });
  const options = { confidence: 0.95, seed: 1 };
  const measureMs = await timed(() => measureFragility(baseline, options));
  const compareMs = await timed(() => compareFragility(baseline, candidate, { ...options, resamples: 2000 }));
  return [
    `fragility: a ${Math.round(input.length / 1000)} KB input perturbed: ${perturbed.join(', ')}`,
    `fragility: ${baseline.length.toLocaleString('en')} perturbed calls measured: ${measureMs.toFixed(1)} ms; paired comparison, 2,000 resamples: ${compareMs.toFixed(1)} ms`,
  ];
}

async function tokenFigure(): Promise<string> {
  await loadTokenizer();
  const token = 'a'.repeat(1_000_000);
  const line = 'x7Q'.repeat(50_000_000 / 3);
  const tokenMs = await timed(() => countTokens(token));
  const lineMs = await timed(() => countTokens(line));
  return `tokens: a 1 MB unbroken token estimated in ${tokenMs.toFixed(0)} ms, a 50 MB line in ${lineMs.toFixed(0)} ms`;
}

const dir = await mkdtemp(join(tmpdir(), 'tunegate-bench-units-'));
try {
  console.log(`median of ${REPEATS} rounds each`);
  for (const line of await datasetFigures(dir)) console.log(line);
  console.log(await metricsFigure());
  console.log(await retryFigure());
  for (const line of await fragilityFigures()) console.log(line);
  console.log(await tokenFigure());
} finally {
  await rm(dir, { recursive: true, force: true });
}
