import type { Case } from '../../src/dataset/types.js';
import type { ChatRequest, ChatResult, ModelClient } from '../../src/providers/types.js';
import { defaults } from '../../src/suite/schema.js';
import type { LoadedSuite, ProviderSpec, VariantSpec } from '../../src/suite/types.js';

export function provider(name: string, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name,
    base_url: `http://127.0.0.1:1/${name}/v1`,
    headers: {},
    timeout_ms: 1000,
    max_retries: 0,
    concurrency: 4,
    stream: false,
    stream_usage: true,
    ...overrides,
  };
}

export function variant(name: string, overrides: Partial<VariantSpec> = {}): VariantSpec {
  return {
    name,
    role: 'prompted',
    provider: 'local',
    model: `model-${name}`,
    examples: [],
    template: '{{input}}',
    params: {},
    ...overrides,
  };
}

export function makeCases(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): Case[] {
  return Array.from({ length: count }, (_, i) => {
    const fields = { input: `message ${i}`, expected: `label-${i % 3}`, ...extra(i) };
    return { id: String(i), index: i, input: fields.input, expected: fields.expected, fields, line: i + 1 };
  });
}

export function suite(overrides: Partial<LoadedSuite> = {}): LoadedSuite {
  return {
    file: 'suite.yaml',
    dir: '.',
    name: 'demo',
    dataset: { input: 'input', expected: 'expected', ref: { file: 'suite.yaml', line: 1, col: 1 } },
    task: { kind: 'classification' },
    scoring: [],
    providers: { local: provider('local') },
    variants: [variant('big'), variant('small')],
    pricing: {},
    thresholds: {},
    decision: { ...defaults.decision, fail_on: [...defaults.decision.fail_on] },
    sources: [],
    ...overrides,
  };
}

export interface FakeClientStats {
  calls: ChatRequest[];
  inFlight: number;
  maxInFlight: number;
}

type Respond = (
  request: ChatRequest,
  callNumber: number,
  signal?: AbortSignal,
) => Promise<Partial<ChatResult>> | Partial<ChatResult>;

/** A ModelClient that answers after a macrotask (so calls overlap) and tracks how many run at once. */
export function fakeClient(respond: Respond = () => ({})): { client: ModelClient; stats: FakeClientStats } {
  const stats: FakeClientStats = { calls: [], inFlight: 0, maxInFlight: 0 };
  const client: ModelClient = {
    async complete(request, signal) {
      const callNumber = stats.calls.push(request);
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const partial = await respond(request, callNumber, signal);
        const last = request.messages[request.messages.length - 1];
        return {
          text: `echo ${last?.content ?? ''}`,
          usage: { prompt: 10, completion: 2, cached: 0 },
          latency_ms: 5,
          attempts: 1,
          simulated: false,
          ...partial,
        };
      } finally {
        stats.inFlight -= 1;
      }
    },
  };
  return { client, stats };
}

/** The item at `index`, failing the test when there is none. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at index ${index} (length ${items.length})`);
  return item;
}
