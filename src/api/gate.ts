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

/**
 * Suites whose own policy (decision.fail_on) fails them: on their verdict, or on drift from the accepted
 * run when fail_on lists drift (a run made with --accept excepted).
 */
export function failingVerdicts(results: RunResults): string[] {
  return results.suites.flatMap((s) => [
    ...(s.verdict.fails ? [`${s.name}: ${s.verdict.decision}`] : []),
    ...(s.drift?.fails ? [`${s.name}: drift`] : []),
  ]);
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

/** The gates a run can be failed on; `never` fails it only when the run itself failed. */
export const FAIL_ON = ['threshold', 'regression', 'verdict', 'drift', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface GatePolicy {
  failOn: ReadonlySet<FailOn>;
}

/**
 * `tunegate run`'s policy: thresholds and verdicts. A suite's decision.fail_on decides which verdicts
 * fail (drift included), so this is exactly "every suite passed".
 */
export const RUN_POLICY: GatePolicy = { failOn: new Set(['threshold', 'verdict']) };

/**
 * One shard of a run (`run --shard K/N`) fails only when the run itself failed: its gates and verdict
 * rest on part of the cases, so `merge` gates the whole run instead.
 */
export const SHARD_POLICY: GatePolicy = { failOn: new Set(['never']) };

export interface GateOutcome {
  /** Why the run itself failed (interrupted, budget reached, a provider down), or null. */
  runtime: string | null;
  /** Every reason the run fails, as sentences: the runtime failure first, then each failed gate. */
  failures: string[];
  passed: boolean;
  /** Runtime failure beats a failed gate beats success. */
  exitCode: ExitCode;
}

/** Pass or fail for the CLI and the Action alike: which gates the policy names failed, and the exit code. */
export function gate(results: RunResults, policy: GatePolicy): GateOutcome {
  const runtime = runtimeFailure(results);
  const failures = runtime === null ? [] : [runtime];
  const failOn = policy.failOn;
  if (!failOn.has('never')) {
    const missed = failOn.has('threshold') ? failedThresholds(results) : [];
    if (missed.length > 0) failures.push(`thresholds missed: ${missed.join(', ')}`);
    const regressions = failOn.has('regression') ? (results.base?.regressions ?? 0) : 0;
    if (regressions > 0) failures.push(`${regressions} significant regression(s) against the base commit`);
    const failing = failOn.has('verdict') ? failingVerdicts(results) : [];
    if (failing.length > 0) failures.push(`verdicts the suites fail on: ${failing.join(', ')}`);
    const drifted = failOn.has('drift') ? driftedSuites(results) : [];
    if (drifted.length > 0) failures.push(`drift from the accepted reference: ${drifted.join('; ')}`);
  }
  const exitCode = runtime !== null ? ExitCode.runtime : failures.length > 0 ? ExitCode.gateFailed : ExitCode.ok;
  return { runtime, failures, passed: failures.length === 0, exitCode };
}
