import type { HistoryRun, HistoryVariant } from '../history/types.js';
import { linkTarget, stripControl } from './escape.js';
import { historyBySuite, seriesColour, variantOf } from './history-series.js';

/** One variant in one run, as the page draws it. */
export interface DashboardPoint {
  model: string;
  n: number;
  errors: number;
  acc: number | null;
  ci: [number, number] | null;
  p50: number | null;
  p95: number | null;
  cost: number | null;
  /** Flip rate under meaning-preserving changes, its interval and the perturbed calls; null when not measured. */
  flip: number | null;
  fci: [number, number] | null;
  fn: number | null;
}

export interface DashboardRun {
  id: string;
  date: string;
  commit: string | null;
  event: string;
  /** http(s) only; anything else is not linked. */
  url: string | null;
  accepted: boolean;
  reason: string | null;
  verdict: string;
  drift: string;
  simulated: boolean;
  cache: string;
  /** Aligned with the suite's `variants`; null where the variant did not run. */
  v: (DashboardPoint | null)[];
}

export interface DashboardSuite {
  name: string;
  variants: string[];
  colours: string[];
  runs: DashboardRun[];
}

/** What the page embeds: everything it shows, nothing more (no per-case bitsets). */
export interface DashboardData {
  generated: string;
  suites: DashboardSuite[];
}

const isRate = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1;

/** The history's fragility when it is well formed (a hand-edited or foreign line may hold anything). */
function fragilityOf(variant: HistoryVariant): Pick<DashboardPoint, 'flip' | 'fci' | 'fn'> {
  const fragility: unknown = variant.fragility;
  if (typeof fragility !== 'object' || fragility === null) return { flip: null, fci: null, fn: null };
  const { flip_rate, flip_rate_ci, n_calls } = fragility as Record<string, unknown>;
  if (!isRate(flip_rate)) return { flip: null, fci: null, fn: null };
  const [low, high] = Array.isArray(flip_rate_ci) ? flip_rate_ci : [];
  return {
    flip: flip_rate,
    fci: isRate(low) && isRate(high) ? [low, high] : null,
    fn: typeof n_calls === 'number' && Number.isFinite(n_calls) ? n_calls : null,
  };
}

function point(run: HistoryRun, name: string): DashboardPoint | null {
  const variant = variantOf(run, name);
  if (!variant) return null;
  return {
    model: stripControl(variant.model),
    n: variant.n,
    errors: variant.errors,
    acc: variant.accuracy,
    ci: variant.accuracy_ci,
    p50: variant.latency_p50_ms,
    p95: variant.latency_p95_ms,
    cost: variant.cost_per_1k_usd,
    ...fragilityOf(variant),
  };
}

export function dashboardData(runs: readonly HistoryRun[], generated: Date): DashboardData {
  return {
    generated: generated.toISOString(),
    suites: historyBySuite(runs).map((history) => ({
      name: stripControl(history.suite),
      variants: history.variants.map((name) => stripControl(name)),
      colours: history.variants.map((_, index) => seriesColour(index).hex),
      runs: history.runs.map((run) => ({
        id: stripControl(run.run_id),
        date: run.date,
        commit: run.commit === null ? null : stripControl(run.commit),
        event: stripControl(run.event),
        url: run.run_url === null ? null : (linkTarget(run.run_url) ?? null),
        accepted: run.accepted,
        reason: run.accepted_reason ?? null,
        verdict: stripControl(run.verdict),
        drift: run.drift,
        simulated: run.simulated,
        cache: run.cache_mode,
        v: history.variants.map((name) => point(run, name)),
      })),
    })),
  };
}

/**
 * JSON that can sit inside a `<script>` element: `<`, `>` and `&` as \u escapes, so no value can close
 * the element (`</script>`) or open a comment (`<!--`); U+2028/U+2029 escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
