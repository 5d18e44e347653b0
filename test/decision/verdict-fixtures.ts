import type { DecisionInput, FineTuneOption, VariantEvidence } from '../../src/decision/types.js';
import type { VariantMetrics } from '../../src/scoring/types.js';
import { defaults } from '../../src/suite/schema.js';
import type { DecisionSpec, VariantRole } from '../../src/suite/types.js';
import { metrics } from '../report/fixtures.js';

/** Evidence for verdict tests: paired outcome tables, variants with given costs, the decision's input. */
export interface Table {
  n11: number;
  n10: number;
  n01: number;
  n00: number;
}

/** Outcome vectors realising a paired table: baseline first digit, candidate second. */
export function outcomes({ n11, n10, n01, n00 }: Table): { baseline: Uint8Array; candidate: Uint8Array } {
  const pattern = [
    ...Array<[number, number]>(n11).fill([1, 1]),
    ...Array<[number, number]>(n10).fill([1, 0]),
    ...Array<[number, number]>(n01).fill([0, 1]),
    ...Array<[number, number]>(n00).fill([0, 0]),
  ];
  return { baseline: Uint8Array.from(pattern.map((p) => p[0])), candidate: Uint8Array.from(pattern.map((p) => p[1])) };
}

export function evidence(
  name: string,
  role: VariantRole,
  correct: Uint8Array,
  overrides: { cost?: number | null; p95?: number; promptTokens?: number; prefix?: number; failed?: boolean } = {},
): VariantEvidence {
  const n = correct.length;
  const right = correct.reduce((sum, v) => sum + v, 0);
  const cost = overrides.cost === undefined ? 0.001 : overrides.cost;
  const m: VariantMetrics = metrics({
    n,
    correct: right,
    accuracy: right / n,
    latency_ms: { p50: (overrides.p95 ?? 800) / 2, p95: overrides.p95 ?? 800, p99: overrides.p95 ?? 800, mean: 400 },
    cost_usd: {
      total: cost === null ? null : cost * n,
      per_request: cost,
      per_1k: cost === null ? null : cost * 1000,
      price_known: cost !== null,
    },
    tokens: {
      prompt: (overrides.promptTokens ?? 100) * n,
      completion: 5 * n,
      cached: 0,
      prompt_per_request: overrides.promptTokens ?? 100,
    },
  });
  const thresholds = overrides.failed
    ? [{ metric: 'accuracy', op: 'min' as const, limit: 0.95, actual: right / n, pass: false }]
    : [];
  return {
    name,
    role,
    model: role === 'prompted' ? 'gpt-4.1' : 'ft:gpt-4.1-nano:acme:x:1',
    metrics: m,
    thresholds,
    passed: !overrides.failed,
    outcomes: correct,
    answered: new Uint8Array(correct.length).fill(1),
    prefix_tokens: overrides.prefix ?? 0,
  };
}

export const policy = (overrides: Partial<DecisionSpec> = {}): DecisionSpec => ({
  ...defaults.decision,
  fail_on: [...defaults.decision.fail_on],
  monthly_requests: 1_000_000,
  max_accuracy_loss: 0.02,
  training_cost_usd: 100,
  // No cost pain unless a test asks for it, so comparisons are judged on their own.
  pain_monthly_cost_usd: 1_000_000,
  ...overrides,
});

export function input(variants: VariantEvidence[], overrides: Partial<DecisionInput> = {}): DecisionInput {
  const n = variants[0]?.outcomes.length ?? 0;
  return {
    suite: 'intents',
    policy: policy(),
    thresholds: {},
    variants,
    case_ids: Array.from({ length: n }, (_, i) => `case-${i}`),
    examples: { cases: n, seeds: 0 },
    prices: { training_per_1m_usd: 1.5, fine_tune_per_request_usd: 0.00002 },
    ...overrides,
  };
}

export function pair(
  table: Table,
  candidate: Parameters<typeof evidence>[3] = {},
  baseline: Parameters<typeof evidence>[3] = {},
) {
  const o = outcomes(table);
  return [
    evidence('prompted', 'prompted', o.baseline, { cost: 0.002, ...baseline }),
    evidence('finetuned', 'finetuned', o.candidate, { cost: 0.0001, ...candidate }),
  ];
}

/** A place a base can be fine-tuned; by default a Fireworks open-weight base with no announced end. */
export function option(overrides: Partial<FineTuneOption> = {}): FineTuneOption {
  return {
    platform: 'fireworks',
    base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
    training_per_1m_usd: 0.5,
    per_request_usd: 0.00002,
    trainable_until: null,
    shutdown_date: null,
    days_left: null,
    configured: false,
    source: 'built-in ft table (as of 2026-11-20)',
    ...overrides,
  };
}
