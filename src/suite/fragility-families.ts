/**
 * The perturbation families fragility is measured with: changes to the user's input that keep its
 * meaning, and changes to the prompt that keep its instructions (Sclar et al. 2023; Chatterjee et al. 2024).
 */
export const INPUT_FAMILIES = ['typos', 'case', 'whitespace', 'punctuation', 'filler'] as const;
export const PROMPT_FAMILIES = ['instruction', 'examples_order', 'label_order'] as const;
export const PERTURBATION_FAMILIES = [...INPUT_FAMILIES, ...PROMPT_FAMILIES] as const;

export type InputFamily = (typeof INPUT_FAMILIES)[number];
export type PromptFamily = (typeof PROMPT_FAMILIES)[number];
export type PerturbationFamily = (typeof PERTURBATION_FAMILIES)[number];
/** `repeats`: the unperturbed input sampled again at the variant's temperature (self-consistency). */
export const REPEAT_FAMILY = 'repeat';
export type MeasuredFamily = PerturbationFamily | typeof REPEAT_FAMILY;

/**
 * Polite words a user may add without changing what they ask, placed at the start or the end of an
 * input. The simulator strips them to recognise a perturbed input, so they live here once.
 */
export const FILLER_PREFIXES = ['hi,', 'hello,', 'hey there,', 'please', 'excuse me,'] as const;
export const FILLER_SUFFIXES = ['please', 'thanks!', 'thank you.', 'thanks in advance', 'cheers'] as const;
