import { ExitCode } from '../errors.js';
import type { RunResults } from '../report/types.js';

/** `suite/variant` names whose every call failed: the provider is down or misconfigured. */
export function unreachableVariants(results: RunResults): string[] {
  return results.suites.flatMap((suite) =>
    Object.entries(suite.variants)
      .filter(([, v]) => v.metrics.n > 0 && v.metrics.errors === v.metrics.n)
      .map(([name]) => `${suite.name}/${name}`),
  );
}

/** Why the run itself failed (not a gate), or null. */
export function runtimeFailure(results: RunResults): string | null {
  if (results.summary.budget_exhausted) return 'the budget (--max-cost-usd) was reached before every case ran';
  const unreachable = unreachableVariants(results);
  if (unreachable.length > 0) return `every call of ${unreachable.join(', ')} failed; check the provider`;
  return null;
}

/** `suite/variant: metric` for every threshold a variant missed. */
export function failedThresholds(results: RunResults): string[] {
  return results.suites.flatMap((suite) =>
    Object.entries(suite.variants).flatMap(([name, variant]) =>
      variant.thresholds.filter((t) => !t.pass).map((t) => `${suite.name}/${name}: ${t.metric}`),
    ),
  );
}

/** Suites whose verdict the policy (decision.fail_on) makes fail. */
export function failingVerdicts(results: RunResults): string[] {
  return results.suites.filter((s) => s.verdict.fails).map((s) => `${s.name}: ${s.verdict.decision}`);
}

/** Exit code of a finished run: runtime failure beats a failed gate beats success. */
export function exitCodeOf(results: RunResults): number {
  if (runtimeFailure(results) !== null) return ExitCode.runtime;
  return results.summary.passed ? ExitCode.ok : ExitCode.gateFailed;
}
