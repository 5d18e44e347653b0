import { didYouMean } from '../edit-distance.js';
import { type MeasuredFamily, PERTURBATION_FAMILIES, REPEAT_FAMILY } from '../suite/fragility-families.js';
import { type Checker, isRecord } from './config-check.js';

/**
 * How fragile a simulated model is: per perturbation family, the probability that a perturbed request
 * changes its answer (absent: 0, the model is perfectly steady under that family). Exact like `accuracy`:
 * whether a given perturbed request flips is a hash of (seed, model, case, the request's full text), so
 * the same request always gets the same answer and the flip share converges to the probability. A flipped
 * answer is wrong and differs from the unperturbed one, so accuracy under family f is accuracy × (1 − p_f)
 * in expectation. `repeat` applies to an identical request sent again at temperature > 0 (absent: the
 * API's default, 1): the k-th repeat flips with probability p_repeat, decided by a hash that includes k.
 */
export type SimFragility = Partial<Record<MeasuredFamily, number>>;

/** A few-shot example as the request carries it: the user turn (rendered through the template) and the answer. */
export interface SimPromptExample {
  user: string;
  assistant: string;
}

/**
 * A prompt the suite's variants use. The simulator recognises a perturbed prompt only against these (it
 * has no other channel, like a real API): a system prompt whose lines or labels are reordered is
 * `label_order`, an unknown system prompt with known few-shot turns is `instruction`, the known turns in
 * another order are `examples_order`. `template` (when it reads only `{{input}}`) lets it see whitespace
 * added around the input. Simulate mode fills these from the suites; a config file may list more.
 */
export interface SimPrompt {
  system?: string;
  examples?: SimPromptExample[];
  template?: string;
}

export const SIM_FRAGILITY_FAMILIES: readonly MeasuredFamily[] = [...PERTURBATION_FAMILIES, REPEAT_FAMILY];
const PROMPT_KEYS = ['system', 'examples', 'template'];
const FRAGILITY_EXAMPLE = '{ typos: 0.15, instruction: 0.1 }';

/** A model's `fragility`: family → flip probability (0..1); an unknown family is named with a suggestion. */
export function parseFragility(raw: unknown, path: string, check: Checker): SimFragility | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) {
    check.add(path, `must be a map of perturbation family → flip probability, like ${FRAGILITY_EXAMPLE}`);
    return undefined;
  }
  const fragility: SimFragility = {};
  for (const [name, value] of Object.entries(raw)) {
    const family = SIM_FRAGILITY_FAMILIES.find((known) => known === name);
    if (family === undefined) {
      const hint = didYouMean(name, SIM_FRAGILITY_FAMILIES);
      check.add(
        `${path}.${name}`,
        `unknown perturbation family${hint}; families: ${SIM_FRAGILITY_FAMILIES.join(', ')}`,
      );
      continue;
    }
    const probability = check.number(value, `${path}.${name}`, 0, 1);
    if (probability !== undefined) fragility[family] = probability;
  }
  return fragility;
}

function optionalText(raw: Record<string, unknown>, key: string, path: string, check: Checker): string | undefined {
  const value = raw[key];
  if (value === undefined || typeof value === 'string') return value;
  check.add(`${path}.${key}`, `must be text, got ${JSON.stringify(value)}`);
  return undefined;
}

function parseExamples(raw: unknown, path: string, check: Checker): SimPromptExample[] | undefined {
  if (raw === undefined) return undefined;
  const valid = (item: unknown): item is SimPromptExample =>
    isRecord(item) && typeof item.user === 'string' && typeof item.assistant === 'string';
  if (!Array.isArray(raw) || !raw.every(valid)) {
    check.add(path, 'must be a list of { user, assistant } turns, as the requests carry them');
    return undefined;
  }
  return raw.map(({ user, assistant }) => ({ user, assistant }));
}

/** The `prompts` list: `{ system?, examples?: [{ user, assistant }], template? }` each. */
export function parsePrompts(raw: unknown, check: Checker): SimPrompt[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    check.add('prompts', 'must be a list of { system, examples: [{ user, assistant }], template }');
    return undefined;
  }
  const prompts: SimPrompt[] = [];
  raw.forEach((item, index) => {
    const path = `prompts[${index}]`;
    if (!isRecord(item)) {
      check.add(path, 'must be an object like { system: "…", examples: [{ user, assistant }] }');
      return;
    }
    check.knownKeys(item, PROMPT_KEYS, `${path}.`);
    const prompt: SimPrompt = {};
    const system = optionalText(item, 'system', path, check);
    const template = optionalText(item, 'template', path, check);
    const examples = parseExamples(item.examples, `${path}.examples`, check);
    if (system !== undefined) prompt.system = system;
    if (examples !== undefined) prompt.examples = examples;
    if (template !== undefined) prompt.template = template;
    prompts.push(prompt);
  });
  return prompts;
}
