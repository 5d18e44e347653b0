import type { RunResults, VariantResult } from '../../src/report/types.js';
import type { VariantMetrics } from '../../src/scoring/types.js';

export function metrics(overrides: Partial<VariantMetrics> = {}): VariantMetrics {
  return {
    n: 200,
    errors: 0,
    error_rate: 0,
    correct: 180,
    accuracy: 0.9,
    accuracy_ci: [0.851, 0.934],
    latency_ms: { p50: 410, p95: 880, p99: 1200, mean: 450 },
    ttft_ms: null,
    cost_usd: { total: 0.5, per_request: 0.0025, per_1k: 2.5, price_known: true },
    tokens: { prompt: 100_000, completion: 1_000, cached: 0, prompt_per_request: 500 },
    cached_responses: 0,
    mean_score: 0.9,
    ...overrides,
  };
}

export function variant(overrides: Partial<VariantResult> = {}): VariantResult {
  return {
    role: 'prompted',
    provider: 'openai',
    model: 'gpt-4.1',
    price: '$2.00 in / $0.50 cached / $8.00 out per 1M tokens',
    metrics: metrics(),
    thresholds: [{ metric: 'accuracy', op: 'min', limit: 0.85, actual: 0.9, pass: true }],
    passed: true,
    ...overrides,
  };
}

export function results(variants: Record<string, VariantResult>, overrides: Partial<RunResults> = {}): RunResults {
  const passed = Object.values(variants).every((v) => v.passed);
  return {
    schema_version: 1,
    tool: { name: 'tunegate', version: '0.0.0-test' },
    run_id: '20260101T000000000Z-1-abcdef',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:02.000Z',
    duration_ms: 2000,
    simulated: false,
    suites: [
      {
        name: 'intents',
        file: 'evals/intents.yaml',
        task: 'classification',
        simulated: false,
        dataset: { path: 'data.jsonl', cases: 200, sampled: false },
        variants,
        comparison: {},
        economics: {
          monthly_requests: 100_000,
          variants: Object.fromEntries(
            Object.entries(variants).map(([name, v]) => [
              name,
              {
                cost_per_request_usd: v.metrics.cost_usd.per_request,
                monthly_cost_usd:
                  v.metrics.cost_usd.per_request === null ? null : v.metrics.cost_usd.per_request * 100_000,
                latency_p95_ms: v.metrics.latency_ms?.p95 ?? null,
                prompt_tokens_per_request: v.metrics.tokens.prompt_per_request,
              },
            ]),
          ),
          monthly_savings_usd: null,
          training_cost_usd: null,
          training_cost_basis: 'unknown',
          training_tokens: null,
          break_even_requests: null,
          payback_months: null,
          latency_objective_p95_ms: null,
          latency_p95_change_ms: null,
        },
        verdict: {
          decision: 'keep-prompting',
          reasons: ['prompted shows none of the pains fine-tuning fixes.'],
          confidence: null,
          baseline: Object.keys(variants)[0] ?? 'prompted',
          candidate: null,
          fails: false,
        },
        flipped_cases: {},
        passed,
      },
    ],
    summary: {
      calls: 400,
      errors: 0,
      cached: 0,
      spent_usd: 0.75,
      budget_exhausted: false,
      incomplete: false,
      recovered: 0,
      passed,
    },
    ...overrides,
  };
}
