/** The suite's `fragility:` section: how often a variant's answer moves under meaning-preserving changes. */
import { PERTURBATION_FAMILIES } from './fragility-families.js';

export const fragilityOptions = {
  type: 'object',
  title: 'Fragility options',
  description: 'Which perturbations, on how many cases, how many of each.',
  additionalProperties: false,
  properties: {
    sample: {
      type: 'integer',
      minimum: 1,
      default: 100,
      title: 'Cases',
      description: 'Cases perturbed per variant (a seeded sample of the evaluated cases).',
    },
    seed: {
      type: 'integer',
      default: 1,
      title: 'Seed',
      description: 'Seed of the case sample and of every perturbation (same seed, same perturbed inputs).',
    },
    perturbations: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      default: [...PERTURBATION_FAMILIES],
      title: 'Perturbations',
      description:
        'Input families: typos, case, whitespace, punctuation, filler; prompt families: instruction (rewordings of ' +
        'the system prompt), examples_order (few-shot order), label_order (order of the label list in the prompt).',
      items: {
        type: 'string',
        enum: [...PERTURBATION_FAMILIES],
        description: 'typos, case, whitespace, punctuation, filler, instruction, examples_order or label_order.',
      },
    },
    per_case: {
      type: 'integer',
      minimum: 1,
      default: 3,
      title: 'Per case',
      description: 'Perturbations of each family per case.',
    },
    repeats: {
      type: 'integer',
      minimum: 0,
      default: 0,
      title: 'Repeats',
      description:
        "The unperturbed input sampled this many more times at the variant's temperature (self-consistency).",
    },
    instructions: {
      type: 'string',
      pattern: '^file://.+',
      title: 'Instruction rewordings',
      description:
        'A file:// YAML or JSON list (or text, one per line or separated by --- lines) of rewordings of the system ' +
        'prompt. When the file does not exist, the teacher writes it once for review and later runs reuse it.',
    },
  },
} as const;

export const fragility = {
  title: 'Fragility',
  description:
    'Measure how often each variant changes its answer when the input or the prompt is reworded without changing ' +
    'its meaning. true: the defaults; absent or false: not measured.',
  anyOf: [{ type: 'boolean' }, fragilityOptions],
} as const;
