import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleIndices } from '../../src/dataset/sample.js';
import { requiredPairs } from '../../src/decision/sample-size.js';
import type { DecisionInput, VariantEvidence } from '../../src/decision/types.js';
import { decide } from '../../src/decision/verdict.js';
import { AnswerBook } from '../../src/sim/answers.js';
import type { SimCase } from '../../src/sim/config.js';
import { defaults } from '../../src/suite/schema.js';
import { metrics } from '../report/fixtures.js';

/**
 * Calibration: many seeded simulator worlds, each evaluated on a fresh 400-case sample of the
 * 3,080-row BANKING77 population, where the simulator fixes each model's TRUE accuracy over the
 * population. The verdict must not switch on noise more often than its stated error rate
 * (one-sided 2.5% at 95% confidence), and must find a real gap.
 */
const population: SimCase[] = readFileSync(
  join(import.meta.dirname, '..', '..', 'evals', 'data', 'banking77-test.jsonl'),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as SimCase);

const TRIALS = 200;
const SAMPLE = 400;
const MARGIN = 0.03;

function evidence(name: string, role: 'prompted' | 'finetuned', outcomes: Uint8Array, cost: number): VariantEvidence {
  const correct = outcomes.reduce((sum, v) => sum + v, 0);
  return {
    name,
    role,
    model: name,
    metrics: metrics({
      n: outcomes.length,
      correct,
      accuracy: correct / outcomes.length,
      cost_usd: { total: cost * outcomes.length, per_request: cost, per_1k: cost * 1000, price_known: true },
    }),
    thresholds: [],
    passed: true,
    outcomes,
    answered: new Uint8Array(outcomes.length).fill(1),
    prefix_tokens: 0,
  };
}

/** Verdicts over seeded worlds where the baseline's true accuracy is 0.90 and the candidate's is given. */
function verdicts(candidateAccuracy: number, sample = SAMPLE): Record<string, number> {
  const tally: Record<string, number> = {};
  for (let trial = 0; trial < TRIALS; trial++) {
    const book = new AnswerBook(population, 1000 + trial, 0.5);
    const baselineRight = book.answersFor('prompted', 0.9).correct;
    const candidateRight = book.answersFor('finetuned', candidateAccuracy).correct;
    const picked = sampleIndices(population.length, sample, 7 + trial);
    const pick = (right: boolean[]) => Uint8Array.from(picked, (i) => (right[i] ? 1 : 0));
    const input: DecisionInput = {
      suite: 'calibration',
      policy: { ...defaults.decision, fail_on: [], max_accuracy_loss: MARGIN, training_cost_usd: 10 },
      thresholds: {},
      variants: [
        evidence('prompted', 'prompted', pick(baselineRight), 0.002),
        evidence('finetuned', 'finetuned', pick(candidateRight), 0.0001),
      ],
      case_ids: picked.map(String),
      examples: { cases: sample, seeds: 0 },
      prices: { training_per_1m_usd: 1.5, fine_tune_per_request_usd: null },
    };
    const { decision } = decide(input).verdict;
    tally[decision] = (tally[decision] ?? 0) + 1;
  }
  return tally;
}

describe('verdict calibration on the simulator', () => {
  it('switches on noise at most at the stated error rate when the true loss equals the margin', () => {
    // True loss exactly at the margin: non-inferiority is false, so every "switch" is an error.
    const tally = verdicts(0.9 - MARGIN);
    const falseSwitches = (tally.switch ?? 0) / TRIALS;
    // Stated one-sided rate 2.5%; 200 trials put the 95% upper bound of a true 2.5% near 5%.
    expect(falseSwitches).toBeLessThanOrEqual(0.05);
  });

  it('never calls an equally accurate candidate worse, and switches as often as the sample-size plan promises', () => {
    const small = verdicts(0.9);
    expect((small['keep-prompting'] ?? 0) / TRIALS).toBeLessThanOrEqual(0.025);
    // 400 cases cannot always show non-inferiority at a 3-point margin: the verdict says "inconclusive"
    // and how many cases it needs. Planned with the population's discordance, that many give 80% power.
    const book = new AnswerBook(population, 1000, 0.5);
    const baseline = book.answersFor('prompted', 0.9).correct;
    const candidate = book.answersFor('finetuned', 0.9).correct;
    const p10 = baseline.filter((right, i) => right && !candidate[i]).length / population.length;
    const p01 = candidate.filter((right, i) => right && !baseline[i]).length / population.length;
    const planned = requiredPairs({ p10, p01, margin: MARGIN });
    expect(planned).toBeGreaterThan(SAMPLE);
    const atPlan = verdicts(0.9, planned);
    expect((atPlan.switch ?? 0) / TRIALS).toBeGreaterThanOrEqual(0.7);
    expect(atPlan['keep-prompting'] ?? 0).toBe(0);
  });

  it('finds a true gap well beyond the margin', () => {
    const tally = verdicts(0.9 - 4 * MARGIN);
    expect((tally['keep-prompting'] ?? 0) / TRIALS).toBeGreaterThanOrEqual(0.9);
    expect(tally.switch ?? 0).toBe(0);
  });
});
