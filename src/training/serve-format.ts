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

/** What `proposedVariant` needs to build a variant: a provider it can name. */
export type ProposedVariant = { variant: VariantSpec } | { missing: string };

/**
 * The variant a promoted model is served as when the suite has no fine-tuned variant yet: the serving
 * format on `serve_as.provider` (default: the training backend's provider), named after
 * `training.variant` or `finetuned`. A promotion tests the candidate in it and proposes it for the suite.
 */
export function proposedVariant(suite: LoadedSuite, model: string): ProposedVariant {
  const training = suite.training;
  const backend = training?.backend;
  const provider = training?.serve_as?.provider ?? (backend && 'provider' in backend ? backend.provider : undefined);
  if (provider === undefined) {
    return {
      missing: `set training.serve_as.provider: the provider that will serve the trained model (the ${backend?.type ?? 'training'} backend does not name one)`,
    };
  }
  const format = servingFormat(suite);
  const taken = new Set(suite.variants.map((v) => v.name));
  const name = taken.has('finetuned') ? 'fine_tuned' : 'finetuned';
  return {
    variant: {
      name,
      role: 'finetuned',
      provider,
      model,
      ...(training?.base_model ? { base_model: training.base_model } : {}),
      ...(format.system === undefined ? {} : { system: format.system }),
      examples: [],
      template: format.template,
      params: training?.serve_as?.params ?? { temperature: 0 },
    },
  };
}

/** The proposed variant as the suite file writes it (what a promotion adds under `variants:`). */
export function variantAsWritten(variant: VariantSpec): Record<string, unknown> {
  return {
    role: variant.role,
    provider: variant.provider,
    model: variant.model,
    ...(variant.base_model ? { base_model: variant.base_model } : {}),
    ...(variant.system === undefined ? {} : { system: variant.system }),
    template: variant.template,
    params: variant.params,
  };
}
