import type { VariantSpec } from '../suite/types.js';
import type { FileChange } from './file-change.js';
import { readYamlValue, renderYamlSet } from './registry.js';
import { variantAsWritten } from './serve-format.js';

/**
 * The suite's side of a promotion, so the next run evaluates what production serves: a suite with no
 * fine-tuned variant gains the proposed one (the serving format the model was trained in); a fine-tuned
 * variant that named the champion names the promoted model, on the provider that serves it (a `local:`
 * model replacing an `ft:` one moves to a local provider). `addedProvider` is a local provider the
 * promotion's contest added, written under `providers:` when the variant now names it. Any other suite
 * is left as its authors wrote it.
 */
export function suiteFollowUp(
  suiteFile: string,
  served: { variant: VariantSpec; proposed: boolean },
  champion: string | undefined,
  addedProvider?: string,
): FileChange {
  const { variant } = served;
  const withProvider = (text: string) =>
    addedProvider === variant.provider && readYamlValue(suiteFile, text, ['providers', addedProvider]) === undefined
      ? renderYamlSet(suiteFile, text, ['providers', addedProvider], { local: true })
      : text;
  return {
    file: suiteFile,
    update: (current) => {
      if (current === undefined) return '';
      if (served.proposed) {
        return readYamlValue(suiteFile, current, ['variants', variant.name]) === undefined
          ? withProvider(renderYamlSet(suiteFile, current, ['variants', variant.name], variantAsWritten(variant)))
          : current;
      }
      const modelPath = ['variants', variant.name, 'model'];
      if (champion === undefined || readYamlValue(suiteFile, current, modelPath) !== champion) return current;
      let text = renderYamlSet(suiteFile, current, modelPath, variant.model);
      const providerPath = ['variants', variant.name, 'provider'];
      if (readYamlValue(suiteFile, text, providerPath) !== variant.provider) {
        text = renderYamlSet(suiteFile, text, providerPath, variant.provider);
      }
      return withProvider(text);
    },
  };
}
