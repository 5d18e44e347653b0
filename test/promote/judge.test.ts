import { describe, expect, it } from 'vitest';
import { compareVariants } from '../../src/decision/compare.js';
import type { VariantEvidence } from '../../src/decision/types.js';
import type { ThresholdResult } from '../../src/scoring/types.js';
import { judgeCandidate } from '../../src/training/promote.js';
import { metrics } from '../report/fixtures.js';

const N = 400;

/** Outcomes with `correct` right answers; `shift` moves which cases they are, to create flips. */
function outcomes(correct: number, shift = 0): Uint8Array {
  const result = new Uint8Array(N);
  for (let i = 0; i < correct; i++) result[(i + shift) % N] = 1;
  return result;
}

function evidence(name: string, model: string, correct: number, shift = 0): VariantEvidence {
  return {
    name,
    role: name === 'champion' ? 'prompted' : 'finetuned',
    model,
    metrics: metrics({ n: N, correct, accuracy: correct / N }),
    thresholds: [],
    passed: true,
    outcomes: outcomes(correct, shift),
    answered: new Uint8Array(N).fill(1),
    prefix_tokens: 0,
  };
}

const passing: ThresholdResult[] = [
  { metric: 'accuracy', op: 'min', limit: 0.85, actual: 0.9, pass: true },
  { metric: 'latency_p95_ms', op: 'max', limit: 2000, actual: 880, pass: true },
];
const policy = { max_accuracy_loss: 0.02, confidence: 0.95 };
const caseIds = Array.from({ length: N }, (_, i) => `case-${i}`);

describe('judgeCandidate', () => {
  it('promotes a first model that passes every threshold', () => {
    const judgement = judgeCandidate({
      candidate: { model: 'ft:nano:acme:1', metrics: metrics(), thresholds: passing },
      margin: 0.02,
    });
    expect(judgement.decision).toBe('promote');
    expect(judgement.reasons).toEqual([
      'all 2 thresholds pass (accuracy 90.0% ≥ 85.0%, latency_p95_ms 880 ms ≤ 2000 ms)',
      'no champion yet: ft:nano:acme:1 would be the first model in the registry',
    ]);
    expect(judgement.numbers).toMatchObject({ candidate_accuracy: 0.9, champion_accuracy: null, margin: 0.02 });
  });

  it('refuses a candidate that fails a threshold, quoting the numbers', () => {
    const judgement = judgeCandidate({
      candidate: {
        model: 'ft:nano:acme:2',
        metrics: metrics({ accuracy: 0.812 }),
        thresholds: [
          { metric: 'accuracy', op: 'min', limit: 0.85, actual: 0.812, pass: false },
          { metric: 'cost_per_1k_usd', op: 'max', limit: 3, actual: null, pass: false },
        ],
      },
      margin: 0.02,
    });
    expect(judgement.decision).toBe('refuse');
    expect(judgement.reasons).toEqual([
      'accuracy 81.2% is below the minimum 85.0%',
      'cost_per_1k_usd could not be measured, so its threshold ($3.00) fails',
    ]);
    expect(judgement.numbers.thresholds_failed).toBe(2);
  });

  it('promotes a candidate shown non-inferior to the champion on the same cases', () => {
    const champion = evidence('champion', 'gpt-4.1', 360);
    const candidate = evidence('candidate', 'ft:nano:acme:3', 362);
    const comparison = compareVariants(champion, candidate, policy, caseIds);
    expect(comparison.non_inferior).toBe(true);

    const judgement = judgeCandidate({
      candidate: { model: candidate.model, metrics: candidate.metrics, thresholds: passing },
      champion: { model: champion.model, metrics: metrics({ cost_usd: { ...metrics().cost_usd, per_1k: 9 } }) },
      comparison,
      margin: 0.02,
    });
    expect(judgement.decision).toBe('promote');
    expect(judgement.reasons[1]).toMatch(
      /^accuracy 90\.5% vs the champion gpt-4\.1's 90\.0% on 400 paired cases \(\+0\.5 points, 95% interval .* to .*\): within the 2\.0-point non-inferiority margin$/,
    );
    expect(judgement.reasons).toContain('cost per 1k requests $2.50 vs $9.00');
    expect(judgement.numbers).toMatchObject({ paired_cases: 400, accuracy_diff: 0.005, champion_accuracy: 0.9 });
  });

  it('refuses a candidate not shown non-inferior, even when its thresholds pass', () => {
    const champion = evidence('champion', 'gpt-4.1', 360);
    const candidate = evidence('candidate', 'ft:nano:acme:4', 330, 40);
    const comparison = compareVariants(champion, candidate, policy, caseIds);
    expect(comparison.non_inferior).toBe(false);

    const judgement = judgeCandidate({
      candidate: { model: candidate.model, metrics: candidate.metrics, thresholds: passing },
      champion: { model: champion.model, metrics: champion.metrics },
      comparison,
      margin: 0.02,
    });
    expect(judgement.decision).toBe('refuse');
    expect(judgement.reasons).toHaveLength(1);
    expect(judgement.reasons[0]).toMatch(
      /^accuracy 82\.5% vs the champion gpt-4\.1's 90\.0% on 400 paired cases \(−7\.5 points/,
    );
    expect(judgement.reasons[0]).toContain('worse than the champion beyond the 2.0-point margin');
  });

  it('refuses without a paired comparison against an existing champion; re-promoting the champion changes nothing', () => {
    const candidate = { model: 'ft:nano:acme:5', metrics: metrics(), thresholds: passing };
    const unpaired = judgeCandidate({ candidate, champion: { model: 'gpt-4.1', metrics: metrics() }, margin: 0.02 });
    expect(unpaired.decision).toBe('refuse');
    expect(unpaired.reasons[0]).toContain('no paired comparison with the champion gpt-4.1');

    const same = judgeCandidate({ candidate, champion: { model: 'ft:nano:acme:5', metrics: metrics() }, margin: 0.02 });
    expect(same).toMatchObject({
      decision: 'unchanged',
      reasons: ['ft:nano:acme:5 is already the champion in the registry; nothing to promote'],
    });
  });
});
