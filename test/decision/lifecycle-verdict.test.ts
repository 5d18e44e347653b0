import { describe, expect, it } from 'vitest';
import type { DecisionInput, VariantLifecycle } from '../../src/decision/types.js';
import { decide } from '../../src/decision/verdict.js';
import type { DecisionSpec } from '../../src/suite/types.js';
import { evidence, input, option, outcomes, pair, policy } from './verdict-fixtures.js';

// A candidate 50× cheaper than the prompted baseline ($2,000 → $40 a month at 1M requests: $1,960
// saved) and statistically equal to it.
const equal = { n11: 900, n10: 12, n01: 10, n00: 78 };
const fiftyTimesCheaper = () => pair(equal, { cost: 0.00004 });

const shuttingDown = (days: number, replacement: string | null = null): VariantLifecycle => ({
  shutdown_date: '2027-01-14',
  days_left: days,
  replacement,
});

function decideWith(policyOverrides: Partial<DecisionSpec>, extra: Partial<DecisionInput> = {}) {
  return decide(input(fiftyTimesCheaper(), { policy: policy(policyOverrides), ...extra }));
}

describe('a candidate whose base shuts down', () => {
  it('still switches to an existing, cheaper candidate with 20 days left, and says to plan the move', () => {
    const { verdict, economics } = decideWith(
      { training_cost_usd: 'auto' },
      { lifecycle: { finetuned: shuttingDown(20) } },
    );
    expect(verdict.decision).toBe('switch');
    expect(economics.candidate_shutdown_date).toBe('2027-01-14');
    expect(economics.remaining_life_months).toBeCloseTo(20 / (365.25 / 12), 9);
    expect(economics.savings_over_life_usd).toBeCloseTo((1960 * 20) / (365.25 / 12), 6);
    expect(verdict.reasons[1]).toBe(
      'finetuned (ft:gpt-4.1-nano:acme:x:1) shuts down on 2027-01-14, in 20 days, with its base; at $1,960 a month saved, switching saves about $1,288 until then. Plan the move now: fine-tune a base that is still served and evaluate it here before that day.',
    );
  });

  // Retraining is money still to spend: $5,880 every 6 months at $1,960 a month saved pays back in
  // 3 months. Without a shutdown that is within the 6-month horizon; with 20 days left it is not.
  const retrainedEveryHalfYear = { training_cost_usd: 5880, retrain_every_months: 6 };

  it('switches to a candidate retrained every 6 months whose retraining pays back in 3', () => {
    const { verdict, economics } = decideWith(retrainedEveryHalfYear);
    expect(economics.payback_months).toBeCloseTo(3, 9);
    expect(economics.payback_horizon_months).toBe(6);
    expect(verdict.decision).toBe('switch');
  });

  it('does not switch when the base shuts down in 20 days and the retraining pays back in 3 months', () => {
    const { verdict, economics } = decideWith(retrainedEveryHalfYear, {
      lifecycle: { finetuned: shuttingDown(20) },
    });
    expect(economics.payback_horizon_months).toBeCloseTo(20 / (365.25 / 12), 9);
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toBe(
      'Keeping finetuned does not pay: finetuned (ft:gpt-4.1-nano:acme:x:1) shuts down on 2027-01-14, in 20 days, with its base; at $1,960 a month saved, retraining it ($5,880 every 6 months) takes 3 months to pay back, after it is gone.',
    );
  });

  it('does not switch when a retraining pays back beyond decision.payback_months', () => {
    // $15,000 every 12 months: $1,250 a month keeps the net saving positive, but it takes 7.7 months to pay back.
    const { verdict, economics } = decideWith({ training_cost_usd: 15_000, retrain_every_months: 12 });
    expect(economics.monthly_savings_usd).toBeCloseTo(710, 6);
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons[0]).toBe(
      'Keeping finetuned does not pay: at $1,960 a month saved, retraining it ($15,000 every 12 months) takes 7.7 months to pay back, beyond the 6-month horizon (decision.payback_months).',
    );
  });

  it('never switches to a candidate that has shut down, and advises fine-tuning a served base when prompting hurts', () => {
    const gone = { lifecycle: { finetuned: { shutdown_date: '2026-10-23', days_left: -40, replacement: null } } };
    const { verdict } = decideWith({}, gone);
    expect(verdict.decision).toBe('keep-prompting');
    expect(verdict.reasons).toContain(
      'finetuned (ft:gpt-4.1-nano:acme:x:1) shut down on 2026-10-23: it can no longer be served.',
    );
    const painful = decideWith({ pain_monthly_cost_usd: 1000 }, { ...gone, fine_tune_options: [option()] });
    expect(painful.verdict.decision).toBe('fine-tune');
    expect(painful.verdict.reasons[0]).toBe(
      'The current fine-tuned model is not competitive: finetuned (ft:gpt-4.1-nano:acme:x:1) shut down on 2026-10-23: it can no longer be served.',
    );
    expect(painful.verdict.fine_tune_projection?.platform).toBe('fireworks');
  });

  it('does not retrain an accepted model on a base that shuts down before the retraining pays back', () => {
    const degraded = pair({ n11: 820, n10: 100, n01: 30, n00: 50 }, { cost: 0.00004 });
    const reference = { finetuned: { model: 'ft:gpt-4.1-nano:acme:x:1', correct: 930, n: 1000, passed: true } };
    // $5,880 at $1,960 a month: 3 months to pay back.
    const withDaysLeft = (days: number) =>
      decide(
        input(degraded, {
          reference,
          policy: policy({ training_cost_usd: 5880 }),
          lifecycle: { finetuned: shuttingDown(days) },
        }),
      );
    const onDyingBase = withDaysLeft(20);
    expect(onDyingBase.verdict.decision).toBe('keep-prompting');
    expect(onDyingBase.verdict.reasons.at(-1)).toBe(
      'Retraining it ($5,880) takes 3 months to pay back, but it shuts down on 2027-01-14, in 20 days, with its base: do not retrain it there; fine-tune a base that is still served.',
    );
    const longLived = withDaysLeft(200);
    expect(longLived.verdict.decision).toBe('retrain');
  });

  it('says when the prompted baseline is leaving too, and what the platform suggests', () => {
    const { verdict } = decideWith({}, { lifecycle: { prompted: shuttingDown(43, 'gpt-5.1') } });
    expect(verdict.decision).toBe('switch');
    expect(verdict.reasons.at(-1)).toBe(
      'prompted (gpt-4.1) shuts down on 2027-01-14, in 43 days; the platform suggests gpt-5.1: move its prompt to a served model and evaluate it here before then.',
    );
    // The same sentence whatever the verdict: here, no candidate at all.
    const alone = decide(
      input([evidence('prompted', 'prompted', outcomes(equal).baseline)], {
        lifecycle: { prompted: shuttingDown(43) },
      }),
    );
    expect(alone.verdict.reasons.at(-1)).toMatch(/^prompted \(gpt-4\.1\) shuts down on 2027-01-14, in 43 days: move/);
  });
});
