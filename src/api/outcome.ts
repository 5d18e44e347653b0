import { ExitCode } from '../errors.js';
import { runtimeFailure } from '../report/run-status.js';
import type { RunResults } from '../report/types.js';

export { runtimeFailure, unreachableVariants } from '../report/run-status.js';

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

/** `suite: variant, variant` for every suite that drifted from its accepted reference run (with a history). */
export function driftedSuites(results: RunResults): string[] {
  return results.suites
    .filter((s) => s.drift?.status === 'drift')
    .map((s) => {
      const variants = Object.entries(s.drift?.variants ?? {}).filter(([, v]) => v.drifted);
      return `${s.name}: ${variants.map(([name]) => name).join(', ')}`;
    });
}

/** Exit code of a finished run: runtime failure beats a failed gate beats success. */
export function exitCodeOf(results: RunResults): number {
  if (runtimeFailure(results) !== null) return ExitCode.runtime;
  return results.summary.passed ? ExitCode.ok : ExitCode.gateFailed;
}
