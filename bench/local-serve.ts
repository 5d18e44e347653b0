// What serving a local: model through the built-in server adds to each prediction: the HTTP round trip
// of one chat completion (sequential, keep-alive, as one tunegate worker sends them), measured through the
// client tunegate runs with, against the in-process predict call it wraps.
// Usage: node bench/local-serve.mjs [--model .tunegate/models/<hex>.json] [--cases N]
// Without --model the classifier is a word lookup, so the numbers are the server's own overhead.
import { createModelClient } from '../src/providers/client.js';
import { startSimulator } from '../src/sim/index.js';
import type { ProviderSpec } from '../src/suite/types.js';
import { type LocalClassifier, loadLocalModel } from '../src/training/local/model.js';

const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const CASES = Number(flag('--cases') ?? 2000);
const modelFile = flag('--model');

const WORDS = ['card', 'balance', 'transfer', 'lost', 'pin', 'refund', 'limit', 'exchange', 'fee', 'account'];
const texts = Array.from({ length: CASES }, (_, i) =>
  Array.from({ length: 8 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
);

const lookup: LocalClassifier = {
  id: 'local:000000000000',
  labels: WORDS,
  metrics: {
    train_examples: 0,
    validation_examples: 0,
    validation_accuracy: null,
    epochs_run: 0,
    train_ms: 0,
    labels: WORDS.length,
    features: 0,
    seed: 0,
  },
  predict: (text) => WORDS.find((word) => text.startsWith(word)) ?? 'account',
};
const classifier = modelFile ? await loadLocalModel(modelFile) : lookup;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const inProcess: number[] = [];
for (const text of texts) {
  const start = performance.now();
  classifier.predict(text);
  inProcess.push(performance.now() - start);
}

const server = await startSimulator({ cases: [], models: {} }, { localModels: new Map([[classifier.id, classifier]]) });
const provider: ProviderSpec = {
  name: 'local',
  local: true,
  base_url: server.url,
  headers: {},
  timeout_ms: 5000,
  max_retries: 0,
  concurrency: 1,
  stream: false,
  stream_usage: true,
};
const client = createModelClient(provider, {});
const served: number[] = [];
const fetched: number[] = [];
try {
  for (const [i, text] of texts.entries()) {
    const answer = await client.complete({
      model: classifier.id,
      messages: [{ role: 'user', content: text }],
      params: {},
    });
    if (answer.simulated) throw new Error('a local model answer came back marked simulated');
    if (i >= 50) served.push(answer.latency_ms); // the first calls warm the connection and the JIT
  }
  for (const [i, text] of texts.entries()) {
    const start = performance.now();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: classifier.id, messages: [{ role: 'user', content: text }] }),
    });
    await response.json();
    if (i >= 50) fetched.push(performance.now() - start);
  }
} finally {
  await server.close();
}
const ms = (value: number) => `${value.toFixed(3)} ms`;
console.log(`local model serving (${modelFile ?? 'word-lookup classifier'}), ${CASES} cases, one at a time`);
console.log(`  predict in-process   p50 ${ms(percentile(inProcess, 50))}  p95 ${ms(percentile(inProcess, 95))}`);
console.log(`  plain fetch          p50 ${ms(percentile(fetched, 50))}  p95 ${ms(percentile(fetched, 95))}`);
console.log(
  `  tunegate's client    p50 ${ms(percentile(served, 50))}  p95 ${ms(percentile(served, 95))}  (target p95 < 2 ms)`,
);
