import type { PromptShape } from '../engine/plan.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';

/** How the trained model will be called: the shape every training row is rendered in. */
export interface ServeFormat extends PromptShape {
  /** The variant it comes from, or `serve_as` when the suite has no fine-tuned variant yet. */
  name: string;
}

export const SERVE_AS = 'serve_as';

/** The variant the trained model will be served as: `training.variant`, else the fine-tuned variant. */
export function fineTunedVariant(suite: LoadedSuite): VariantSpec | undefined {
  const name = suite.training?.variant;
  return suite.variants.find((v) => v.name === name) ?? suite.variants.find((v) => v.role === 'finetuned');
}

/** One short system line when the suite gives none: what the task is, in the suite's own words. */
function defaultSystemLine(suite: LoadedSuite): string {
  return suite.description ?? `You handle the task "${suite.name}".`;
}

/**
 * The format training rows are rendered in, which is how the trained model will be called: the fine-tuned
 * variant's system prompt, few-shot examples and template; without one, `training.serve_as`, whose
 * defaults are the prompted variant's template (without its few-shot examples) and a one-line system prompt.
 */
export function servingFormat(suite: LoadedSuite): ServeFormat {
  const variant = fineTunedVariant(suite);
  if (variant) return variant;
  const prompted = suite.variants.find((v) => v.role === 'prompted') ?? suite.variants[0];
  const given = suite.training?.serve_as ?? {};
  const system = given.system ?? defaultSystemLine(suite);
  return {
    name: SERVE_AS,
    template: given.template ?? prompted?.template ?? '{{input}}',
    examples: [],
    ...(system === '' ? {} : { system }),
  };
}
