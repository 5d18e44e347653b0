import { isFile } from '../read-if-exists.js';
import type { PerturbationFamily } from './fragility-families.js';
import { parseInstructionVariants } from './instruction-variants.js';
import { fileRefPath } from './paths.js';
import { checkInsideWorkspace, type FileContext, readRef } from './resolve-files.js';
import { defaults, type RawSuite } from './schema.js';
import type { FragilitySpec, VariantSpec } from './types.js';

/**
 * Families the suite listed by hand that nothing in it can perturb: a warning at the family, since
 * the run just skips them (the default list is not warned about: it names every family).
 */
function warnUnusable(ctx: FileContext, listed: readonly PerturbationFamily[], suite: UnusableContext): void {
  const reasons: Partial<Record<PerturbationFamily, string | false>> = {
    examples_order: !suite.variants.some((v) => v.examples.length >= 2) && 'no variant has two few-shot examples',
    label_order: !suite.labels?.length && 'the task lists no labels (task.labels)',
    instruction: !suite.variants.some((v) => v.system) && 'no variant has a system prompt',
  };
  listed.forEach((family, index) => {
    const reason = reasons[family];
    if (reason) {
      ctx.report.warnAt(
        ['fragility', 'perturbations', String(index)],
        'fragility',
        `${reason} to ${family}; it is skipped`,
      );
    }
  });
}

interface UnusableContext {
  variants: readonly VariantSpec[];
  labels: readonly string[] | undefined;
}

/** The fragility section with defaults; the rewordings file read and checked when it exists. */
export async function resolveFragility(
  ctx: FileContext,
  raw: RawSuite['fragility'],
  suite: UnusableContext,
): Promise<FragilitySpec | undefined> {
  if (raw === undefined || raw === false) return undefined;
  const given = raw === true ? {} : raw;
  const spec: FragilitySpec = {
    sample: given.sample ?? defaults.fragility.sample,
    seed: given.seed ?? defaults.fragility.seed,
    perturbations: [...(given.perturbations ?? defaults.fragility.perturbations)],
    per_case: given.per_case ?? defaults.fragility.per_case,
    repeats: given.repeats ?? defaults.fragility.repeats,
  };
  if (given.perturbations) warnUnusable(ctx, given.perturbations, suite);
  if (given.instructions !== undefined) {
    const yamlPath = ['fragility', 'instructions'];
    if (!spec.perturbations.includes('instruction')) {
      ctx.report.warnAt(yamlPath, 'fragility', 'is unused: perturbations does not list instruction');
    }
    const absolute = fileRefPath(ctx.dir, given.instructions);
    ctx.sources.add(absolute);
    spec.instructions = absolute;
    if ((await checkInsideWorkspace(ctx, yamlPath, absolute)) && (await isFile(absolute))) {
      const read = await readRef(ctx, yamlPath, given.instructions);
      const parsed = read && parseInstructionVariants(read.text, read.absolute);
      if (read && parsed && !parsed.ok) {
        ctx.report.inFile(read.shown, parsed.line, parsed.col, 'instructions', parsed.message);
      } else if (parsed?.ok) spec.instruction_variants = parsed.variants;
    }
  }
  return spec;
}
