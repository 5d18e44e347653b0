import { beforeAll, describe, expect, it } from 'vitest';
import { type FragilityObservation, measureFragility } from '../../src/fragility/measure.js';
import { perturbInput } from '../../src/fragility/perturb-input.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import type { ChatMessage } from '../../src/providers/types.js';
import { SimBehaviour } from '../../src/sim/behaviour.js';
import { loadSimCases, type SimCase } from '../../src/sim/index.js';
import type { InputFamily } from '../../src/suite/fragility-families.js';
import { BANKING_200 } from '../sim/helpers.js';

/** The simulator's truth, and what tunegate's perturbations and intervals must recover from its answers. */
const TRUTH = { typos: 0.2, case: 0.05, instruction: 0.15 } as const;
const WORLDS = 200;
const CASES = 40;
const PER_CASE = 2;
const SYSTEM = 'Answer with the intent label of the message, and nothing else.';
const REWORDINGS = [
  'Reply only with the intent label of this message.',
  'Give the message its intent label; no other words.',
];

let cases: SimCase[];
beforeAll(async () => {
  await loadTokenizer();
  cases = (await loadSimCases(BANKING_200)).slice(0, CASES);
});

const request = (system: string, input: string): ChatMessage[] => [
  { role: 'system', content: system },
  { role: 'user', content: input },
];

/** One world: a seeded simulator, every case perturbed PER_CASE times per family, measured as a run would. */
function measureWorld(seed: number) {
  const sim = new SimBehaviour({
    seed,
    cases,
    prompts: [{ system: SYSTEM, template: '{{input}}' }],
    models: { m: { accuracy: 0.85, fragility: { ...TRUTH } } },
  });
  const answer = (messages: ChatMessage[]) => {
    const reply = sim.answer('m', messages, { temperature: 0 });
    return { text: reply.text, correct: reply.outcome === 'correct' };
  };
  const observations: FragilityObservation[] = [];
  cases.forEach((item, index) => {
    const caseId = String(index);
    const base = answer(request(SYSTEM, item.input));
    const observe = (family: FragilityObservation['family'], messages: ChatMessage[]) => {
      const got = answer(messages);
      observations.push({
        caseId,
        family,
        answer: got.text,
        correct: got.correct,
        baseAnswer: base.text,
        baseCorrect: base.correct,
      });
    };
    for (let i = 0; i < PER_CASE; i++) {
      for (const family of ['typos', 'case'] as InputFamily[]) {
        const perturbed = perturbInput(item.input, family, { caseId, seed, index: i });
        if (perturbed !== undefined) observe(family, request(SYSTEM, perturbed));
      }
      observe('instruction', request(REWORDINGS[i % REWORDINGS.length] as string, item.input));
    }
  });
  return measureFragility(observations, { confidence: 0.95, seed });
}

describe('fragility on the simulator over 200 seeded worlds', () => {
  it('measures each configured flip probability, and its 95% interval covers the truth at about its stated rate', () => {
    const covered: Record<string, number> = { typos: 0, case: 0, instruction: 0 };
    const mean: Record<string, number> = { typos: 0, case: 0, instruction: 0 };
    for (let world = 0; world < WORLDS; world++) {
      const stats = measureWorld(1000 + world);
      for (const [family, p] of Object.entries(TRUTH)) {
        const measured = stats.by_perturbation[family as keyof typeof TRUTH];
        if (!measured) throw new Error(`world ${world}: ${family} was not measured`);
        const [low, high] = measured.flip_rate_ci;
        if (low <= p && p <= high) covered[family] = (covered[family] ?? 0) + 1;
        mean[family] = (mean[family] ?? 0) + measured.flip_rate / WORLDS;
      }
    }
    const coverage = Object.fromEntries(Object.entries(covered).map(([family, n]) => [family, n / WORLDS]));
    console.log(`coverage of the 95% interval over ${WORLDS} simulated worlds:`, coverage, 'mean flip rate:', mean);
    for (const [family, p] of Object.entries(TRUTH)) {
      expect(mean[family], family).toBeGreaterThan(p - 0.02);
      expect(mean[family], family).toBeLessThan(p + 0.02);
      expect(coverage[family], family).toBeGreaterThanOrEqual(0.9);
      expect(coverage[family], family).toBeLessThanOrEqual(0.995);
    }
  }, 120_000);
});
