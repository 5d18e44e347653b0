import type { VariantSpec } from '../suite/types.js';
import type { FileChange } from './file-change.js';
import { readYamlValue, renderYamlSet } from './registry.js';
import { variantAsWritten } from './serve-format.js';

/**
 * The suite's side of a promotion, so the next run evaluates what production serves: a suite with no
 * fine-tuned variant gains the proposed one (the serving format the model was trained in); a fine-tuned
 * variant that named the champion names the promoted model. Any other suite is left as its authors wrote it.
 */
export function suiteFollowUp(
  suiteFile: string,
  served: { variant: VariantSpec; proposed: boolean },
  champion: string | undefined,
): FileChange {
  const { variant } = served;
  return {
    file: suiteFile,
    update: (current) => {
      if (current === undefined) return '';
      if (served.proposed) {
        return readYamlValue(suiteFile, current, ['variants', variant.name]) === undefined
          ? renderYamlSet(suiteFile, current, ['variants', variant.name], variantAsWritten(variant))
          : current;
      }
      const modelPath = ['variants', variant.name, 'model'];
      if (champion === undefined || readYamlValue(suiteFile, current, modelPath) !== champion) return current;
      return renderYamlSet(suiteFile, current, modelPath, variant.model);
    },
  };
}
