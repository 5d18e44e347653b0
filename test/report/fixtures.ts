import { GENAI_PRICES_SOURCE } from '../../src/providers/genai-prices.js';
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
    price_source: GENAI_PRICES_SOURCE,
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
    cache_mode: 'use',
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
          retraining_monthly_usd: 0,
          training_cost_usd: null,
          training_cost_basis: 'unknown',
          training_tokens: null,
          break_even_requests: null,
          payback_months: null,
          latency_objective_p95_ms: null,
          candidate_shutdown_date: null,
          remaining_life_months: null,
          savings_over_life_usd: null,
          payback_horizon_months: 6,
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

/**
 * One suite with `count` variants, each compared with the first, every comparison with `flips` flipped
 * cases each way whose texts come from `text` — the shape that makes the longest reports.
 */
export function comparedResults(
  count: number,
  options: { flips?: number; text?: (index: number) => string; model?: (index: number) => string } = {},
): RunResults {
  const flips = options.flips ?? 50;
  const text = options.text ?? ((index: number) => `answer ${index} `.repeat(12));
  const names = Array.from({ length: count }, (_, index) => (index === 0 ? 'prompted' : `finetuned-${index}`));
  const variants = Object.fromEntries(
    names.map((name, index) => [
      name,
      variant({ role: index === 0 ? 'prompted' : 'finetuned', model: options.model?.(index) ?? `ft:model-${index}` }),
    ]),
  );
  const run = results(variants);
  const suite = run.suites[0] as RunResults['suites'][number];
  const flipped = (variantIndex: number, direction: number) =>
    Array.from({ length: flips }, (_, index) => {
      const n = (variantIndex * 2 + direction) * flips + index;
      return {
        case_id: `case-${n}`,
        input: text(n),
        expected: text(n + 1),
        baseline_output: text(n + 2),
        candidate_output: text(n + 3),
      };
    });
  for (const [index, name] of names.entries()) {
    if (index === 0) continue;
    suite.comparison[name] = {
      baseline: 'prompted',
      candidate: name,
      n: flips * 4 + 100,
      counts: { n11: 80, n10: flips * 2, n01: flips * 2, n00: 20 },
      baseline_accuracy: 0.9,
      candidate_accuracy: 0.9,
      accuracy_diff: 0,
      accuracy_diff_ci: [-0.03, 0.03],
      accuracy_diff_bootstrap_ci: [-0.03, 0.03],
      mcnemar_p_value: 1,
      margin: 0.02,
      confidence: 0.95,
      non_inferior: false,
      worse_beyond_margin: false,
      additional_cases_needed: 400,
      flipped: { right_to_wrong: [], wrong_to_right: [] },
    };
    suite.flipped_cases[name] = { right_to_wrong: flipped(index, 0), wrong_to_right: flipped(index, 1) };
  }
  return run;
}

/** Text that tries every trick on a log or a comment: workflow commands, ANSI escapes, NUL, bidi overrides. */
export const HOSTILE = {
  suite: 'intents\n::warning title=INJECTED::suite name',
  variant: '::warning title=INJECTED::variant\n::error::second line',
  model: '\u001b[31mft:red\u001b[0m ##[error]INJECTED <details><summary>',
  text: 'answer\u0000 with NUL, \u202eLRO-reversed\u202c, \u2066isolated\u2069\n::set-output name=INJECTED::x \u001b[2J',
};

/** A run whose names, model ids, reasons and outputs all carry HOSTILE text. */
export function hostileResults(): RunResults {
  const run = comparedResults(2, { flips: 2, text: (i) => `${HOSTILE.text} ${i}`, model: () => HOSTILE.model });
  const suite = run.suites[0] as RunResults['suites'][number];
  const rename = <T>(record: Record<string, T>) =>
    Object.fromEntries(
      Object.entries(record).map(([name, value]) => [name === 'prompted' ? name : HOSTILE.variant, value]),
    );
  suite.name = HOSTILE.suite;
  suite.description = HOSTILE.text;
  suite.variants = rename(suite.variants);
  suite.variants[HOSTILE.variant] = {
    ...(suite.variants[HOSTILE.variant] as VariantResult),
    thresholds: [{ metric: 'accuracy', op: 'min', limit: 0.95, actual: 0.9, pass: false }],
    passed: false,
  };
  suite.flipped_cases = rename(suite.flipped_cases);
  suite.comparison = rename(suite.comparison);
  for (const comparison of Object.values(suite.comparison)) comparison.candidate = HOSTILE.variant;
  suite.verdict = { ...suite.verdict, candidate: HOSTILE.variant, reasons: [`${HOSTILE.variant} ${HOSTILE.text}`] };
  return run;
}
