import { describe, expect, it } from 'vitest';
import { type FailOn, gate, RUN_POLICY } from '../../src/api/gate.js';
import type { RunResults } from '../../src/report/types.js';

/** Just the parts of a run the gate reads. */
function run(options: {
  thresholdPass?: boolean;
  verdictFails?: boolean;
  regressions?: number;
  drifted?: boolean;
  /** The suite's own decision.fail_on lists drift. */
  driftFails?: boolean;
  incomplete?: boolean;
}): RunResults {
  const variant = {
    metrics: { n: 10, errors: 0 },
    thresholds: [{ metric: 'accuracy', pass: options.thresholdPass ?? true }],
  };
  const suite = {
    name: 's',
    variants: { prompted: variant },
    verdict: { decision: 'keep_prompting', fails: options.verdictFails ?? false },
    ...(options.drifted
      ? { drift: { status: 'drift', fails: options.driftFails ?? false, variants: { prompted: { drifted: true } } } }
      : {}),
  };
  return {
    suites: [suite],
    summary: { incomplete: options.incomplete ?? false, budget_exhausted: false },
    ...(options.regressions === undefined ? {} : { base: { regressions: options.regressions } }),
  } as unknown as RunResults;
}

const policy = (...failOn: FailOn[]) => ({ failOn: new Set(failOn) });

describe('gate', () => {
  it("fails `tunegate run` on drift exactly when the suite's own fail_on lists drift", () => {
    expect(gate(run({ drifted: true, driftFails: true }), RUN_POLICY)).toMatchObject({
      passed: false,
      exitCode: 1,
      failures: ['verdicts the suites fail on: s: drift'],
    });
    expect(gate(run({ drifted: true, driftFails: false }), RUN_POLICY)).toMatchObject({ passed: true, exitCode: 0 });
  });

  it('fails on each gate only when the policy names it', () => {
    const missed = run({ thresholdPass: false });
    expect(gate(missed, policy('threshold'))).toMatchObject({ passed: false, exitCode: 1 });
    expect(gate(missed, policy('threshold')).failures).toEqual(['thresholds missed: s/prompted: accuracy']);
    expect(gate(missed, policy('verdict'))).toMatchObject({ passed: true, exitCode: 0, failures: [] });
    expect(gate(run({ verdictFails: true }), policy('verdict')).failures).toEqual([
      'verdicts the suites fail on: s: keep_prompting',
    ]);
    expect(gate(run({ regressions: 2 }), policy('regression')).failures).toEqual([
      '2 significant regression(s) against the base commit',
    ]);
    expect(gate(run({ regressions: 2 }), policy('threshold', 'verdict')).passed).toBe(true);
    expect(gate(run({ drifted: true }), policy('drift')).failures).toEqual([
      'drift from the accepted reference: s: prompted',
    ]);
  });

  it('lists every failed gate, with the runtime failure first, and exits 3 on a runtime failure', () => {
    const outcome = gate(run({ thresholdPass: false, verdictFails: true, incomplete: true }), RUN_POLICY);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.runtime).toMatch(/interrupted/);
    expect(outcome.failures).toHaveLength(3);
    expect(outcome.failures[0]).toBe(outcome.runtime);
  });

  it('never: fails only when the run itself failed', () => {
    expect(gate(run({ thresholdPass: false, verdictFails: true }), policy('never', 'threshold')).passed).toBe(true);
    expect(gate(run({ incomplete: true }), policy('never')).exitCode).toBe(3);
  });

  it("tunegate run's policy fails on thresholds and verdicts, not on base regressions", () => {
    expect(gate(run({ thresholdPass: false }), RUN_POLICY).exitCode).toBe(1);
    expect(gate(run({ verdictFails: true }), RUN_POLICY).exitCode).toBe(1);
    expect(gate(run({ regressions: 3 }), RUN_POLICY).exitCode).toBe(0);
  });
});
