import type { Case } from '../dataset/types.js';
import { singleCall } from '../engine/plan.js';
import type { PerturbationTag, PlannedCall } from '../engine/types.js';
import {
  INPUT_FAMILIES,
  type InputFamily,
  type PerturbationFamily,
  REPEAT_FAMILY,
} from '../suite/fragility-families.js';
import type { FragilitySpec, LoadedSuite, VariantSpec } from '../suite/types.js';
import type { PerturbationKey } from './keyed-random.js';
import { rotatingChoice } from './keyed-random.js';
import { perturbInput } from './perturb-input.js';
import { permuteExamples, permuteLabelList } from './perturb-prompt.js';
import { fragilityCases } from './sample.js';

/** The rewordings of one system prompt (`fragility.instructions`): the instruction family uses them. */
export interface InstructionRewordings {
  system: string;
  variants: string[];
}

const CHANGES: Record<InputFamily, string> = {
  typos: 'typos',
  case: 'letter case',
  whitespace: 'spacing',
  punctuation: 'punctuation',
  filler: 'polite filler',
};

function isInputFamily(family: PerturbationFamily): family is InputFamily {
  return (INPUT_FAMILIES as readonly string[]).includes(family);
}

/** One perturbation of a case for a variant: the request to send instead, or undefined when the family cannot apply. */
function perturb(
  suite: LoadedSuite,
  variant: VariantSpec,
  testCase: Case,
  family: PerturbationFamily,
  key: PerturbationKey,
  rewordings: InstructionRewordings | undefined,
): { variant: VariantSpec; testCase: Case; change: string } | undefined {
  if (isInputFamily(family)) {
    const input = perturbInput(testCase.input, family, key);
    return input === undefined ? undefined : { variant, testCase: { ...testCase, input }, change: CHANGES[family] };
  }
  if (family === 'examples_order') {
    const examples = permuteExamples(variant.examples, key);
    return examples && { variant: { ...variant, examples }, testCase, change: 'few-shot examples reordered' };
  }
  if (variant.system === undefined || variant.system === '') return undefined;
  if (family === 'label_order') {
    const system = permuteLabelList(variant.system, suite.task.labels ?? [], key);
    return system === undefined
      ? undefined
      : { variant: { ...variant, system }, testCase, change: 'label list reordered' };
  }
  // instruction: only a variant whose system prompt the rewordings were written for.
  if (!rewordings || rewordings.system !== variant.system || rewordings.variants.length === 0) return undefined;
  const choice = rotatingChoice(key, 'instruction', rewordings.variants.length);
  const system = rewordings.variants[choice] as string;
  const change = `system prompt reworded (${choice + 1} of ${rewordings.variants.length})`;
  return { variant: { ...variant, system }, testCase, change };
}

/**
 * The fragility calls of a suite: for every variant, on a seeded sample of the evaluated cases, `per_case`
 * perturbations of each family (distinct requests only) and `repeats` samples of the unperturbed request.
 * The expected answer is never touched: each call keeps its case, so it is scored against the same gold.
 */
export function fragilityCalls(
  suite: LoadedSuite,
  cases: Iterable<Case>,
  spec: FragilitySpec,
  rewordings?: InstructionRewordings,
): PlannedCall[] {
  const chosen = new Set(
    fragilityCases(
      Array.from(cases, (c) => c.id),
      spec.sample,
      spec.seed,
    ),
  );
  const sampled = Array.from(cases).filter((c) => chosen.has(c.id));
  const calls: PlannedCall[] = [];
  // Variants interleave per case, as in the regular plan: every provider stays busy, and a run stopped
  // early still has paired cases.
  for (const testCase of sampled) {
    for (const variant of suite.variants) {
      for (const family of spec.perturbations) {
        const sent = new Set<string>();
        for (let index = 0; index < spec.per_case; index++) {
          const key = { caseId: testCase.id, seed: spec.seed, index };
          const changed = perturb(suite, variant, testCase, family, key, rewordings);
          if (!changed) continue;
          const call = singleCall(suite, changed.variant, changed.testCase, {
            perturbation: { family, index, change: changed.change },
          });
          // Fewer distinct perturbations than asked (a two-example prompt has one other order): each is sent once.
          if (sent.has(call.cacheKey)) continue;
          sent.add(call.cacheKey);
          calls.push(call);
        }
      }
      for (let sample = 1; sample <= spec.repeats; sample++) {
        const perturbation: PerturbationTag = { family: REPEAT_FAMILY, index: sample, change: 'sampled again' };
        calls.push(singleCall(suite, variant, testCase, { sample, perturbation }));
      }
    }
  }
  return calls;
}
