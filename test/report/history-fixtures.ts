import { createHash } from 'node:crypto';
import { mulberry32 } from '../../src/dataset/sample.js';
import { HISTORY_VERSION, type HistoryRun, type HistoryVariant } from '../../src/history/types.js';
import { wilson } from '../../src/scoring/intervals.js';

export interface VariantPlan {
  name: string;
  model: string;
  accuracy: number;
  latencyP95Ms: number;
  /** null: price unknown. */
  costPer1k: number | null;
}

export interface HistoryPlan {
  seed: number;
  runs: number;
  suites?: string[];
  variants?: VariantPlan[];
  /** Cases per run. */
  n?: number;
  /** Runs [from, to) of `variant` answer at `accuracy` instead (drift); the run at `to` recovers. */
  degrade?: { variant: string; from: number; to: number; accuracy: number };
  /** Run indices accepted by a promotion (the first run is always accepted). */
  promotions?: number[];
  /** Day of the first run (a run a day). */
  start?: string;
}

export const TWO_VARIANTS: VariantPlan[] = [
  { name: 'prompted', model: 'gpt-4.1', accuracy: 0.9, latencyP95Ms: 900, costPer1k: 2.4 },
  {
    name: 'finetuned',
    model: 'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc123',
    accuracy: 0.91,
    latencyP95Ms: 300,
    costPer1k: 0.21,
  },
];

export const FOUR_VARIANTS: VariantPlan[] = [
  ...TWO_VARIANTS,
  { name: 'mini', model: 'gpt-4.1-mini', accuracy: 0.86, latencyP95Ms: 500, costPer1k: 0.6 },
  { name: 'local', model: 'qwen2.5-7b-instruct', accuracy: 0.8, latencyP95Ms: 1400, costPer1k: null },
];

function bitset(bits: boolean[]): string {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
  });
  return bytes.toString('base64');
}

function measure(plan: VariantPlan, accuracy: number, n: number, random: () => number): HistoryVariant {
  const answered = Array.from({ length: n }, () => random() > 0.01);
  const correct = answered.map((a) => a && random() < accuracy);
  const answeredCount = answered.filter(Boolean).length;
  const correctCount = correct.filter(Boolean).length;
  const [low, high] = wilson(correctCount, answeredCount, 0.95);
  const p95 = Math.round(plan.latencyP95Ms * (0.85 + 0.3 * random()));
  return {
    model: plan.model,
    n,
    errors: n - answeredCount,
    accuracy: correctCount / answeredCount,
    accuracy_ci: [low, high],
    latency_p50_ms: Math.round(p95 * 0.45),
    latency_p95_ms: p95,
    cost_per_1k_usd: plan.costPer1k === null ? null : plan.costPer1k * (0.97 + 0.06 * random()),
    correct: bitset(correct),
    answered: bitset(answered),
  };
}

/** A seeded history of nightly runs, as the history file stores them. */
export function generateHistory(plan: HistoryPlan): HistoryRun[] {
  const random = mulberry32(plan.seed);
  const suites = plan.suites ?? ['banking77'];
  const variants = plan.variants ?? TWO_VARIANTS;
  const n = plan.n ?? 200;
  const start = Date.parse(plan.start ?? '2026-01-01T03:00:00Z');
  const idsHash = createHash('sha256').update(String(n)).digest('hex');
  const runs: HistoryRun[] = [];
  for (let index = 0; index < plan.runs; index++) {
    const runId = String(9_000_000_000 + index);
    const degrade = plan.degrade;
    const degraded = degrade !== undefined && index >= degrade.from && index < degrade.to;
    const recovered = degrade !== undefined && index === degrade.to;
    const promotion = plan.promotions?.includes(index) ?? false;
    for (const suite of suites) {
      const measured = Object.fromEntries(
        variants.map((v) => {
          const accuracy = degraded && v.name === degrade?.variant ? degrade.accuracy : v.accuracy;
          return [v.name, measure(v, accuracy, n, random)];
        }),
      );
      runs.push({
        kind: 'run',
        version: HISTORY_VERSION,
        suite,
        run_id: runId,
        date: new Date(start + index * 86_400_000 + Math.floor(random() * 600_000)).toISOString(),
        commit: createHash('sha1').update(runId).digest('hex'),
        event: index % 7 === 3 ? 'workflow_dispatch' : 'schedule',
        run_url: `https://github.com/acme/evals/actions/runs/${runId}`,
        cache_mode: 'refresh',
        simulated: true,
        accepted: index === 0 || promotion,
        ...(index === 0
          ? { accepted_reason: 'first' as const }
          : promotion
            ? { accepted_reason: 'promotion' as const }
            : {}),
        verdict: degraded ? 'retrain' : index < (plan.promotions?.[0] ?? 0) ? 'fine-tune' : 'switch',
        drift: index === 0 ? 'no-history' : degraded ? 'drift' : recovered ? 'recovered' : 'none',
        ids_hash: idsHash,
        variants: measured,
      });
    }
  }
  return runs;
}

/** The runs as lines of a history file. */
export function historyText(runs: readonly HistoryRun[]): string {
  return runs.map((run) => `${JSON.stringify(run)}\n`).join('');
}

/**
 * The runs from `from` on with each variant's flip rate, as a history written after fragility was
 * measured: `rates` by variant name (a variant not listed stays without).
 */
export function withFragility(runs: readonly HistoryRun[], rates: Record<string, number>, from = 0): HistoryRun[] {
  return runs.map((run, index) => {
    if (index < from) return run;
    const variants = Object.fromEntries(
      Object.entries(run.variants).map(([name, variant]) => {
        const rate = rates[name];
        if (rate === undefined) return [name, variant];
        const drift = ((index % 5) - 2) / 1000;
        const flip_rate = rate + drift;
        const fragility = {
          flip_rate,
          flip_rate_ci: [flip_rate * 0.8, flip_rate * 1.2] as [number, number],
          n_calls: 2400,
        };
        return [name, { ...variant, fragility }];
      }),
    );
    return { ...run, variants };
  });
}
