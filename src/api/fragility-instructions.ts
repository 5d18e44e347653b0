import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { pickVariants } from '../decision/verdict.js';
import { TunegateError } from '../errors.js';
import { instructionRewordingPrompt, parseRewordings } from '../fragility/instructions.js';
import type { InstructionRewordings } from '../fragility/plan.js';
import { createModelClient } from '../providers/client.js';
import type { ModelClient } from '../providers/types.js';
import { pathExists } from '../read-if-exists.js';
import { loadInstructionVariants } from '../suite/instruction-variants.js';
import type { LoadedSuite, ProviderSpec } from '../suite/types.js';

/** Rewordings the teacher writes when the suite has none yet: enough to vary, few enough to review. */
const REWORDINGS = 3;

export interface RewordingOptions {
  env: Record<string, string | undefined>;
  clientFor?: (provider: ProviderSpec, env: Record<string, string | undefined>) => ModelClient;
  /** Told when the teacher wrote a file, so the user reviews it. */
  onWritten?: (file: string, count: number) => void;
}

/** Where a suite's rewordings live: `fragility.instructions`, else `<suite>.rewordings.yaml` beside the suite. */
export function rewordingsFile(suite: LoadedSuite): string {
  const given = suite.fragility?.instructions;
  if (given) return given;
  return join(suite.dir, `${basename(suite.file, extname(suite.file))}.rewordings.yaml`);
}

/**
 * The instruction rewordings of each suite that perturbs its baseline's system prompt: read from the
 * file, or written once by the teacher (the baseline variant) next to the suite, for review, and reused
 * by every later run. Suites without the `instruction` family or a system prompt get none.
 */
export async function prepareRewordings(
  suites: readonly LoadedSuite[],
  options: RewordingOptions,
): Promise<Map<string, InstructionRewordings>> {
  const prepared = new Map<string, InstructionRewordings>();
  for (const suite of suites) {
    const spec = suite.fragility;
    if (!spec?.perturbations.includes('instruction')) continue;
    const teacher = pickVariants(suite.variants, suite.decision).baseline;
    const system = teacher.system;
    if (system === undefined || system === '') continue;
    const file = rewordingsFile(suite);
    let variants = spec.instruction_variants;
    if (!variants && (await pathExists(file))) variants = await loadInstructionVariants(file);
    if (!variants) {
      variants = await askTeacher(suite, teacher.name, system, options);
      await writeFile(file, rewordingsYaml(system, variants));
      options.onWritten?.(file, variants.length);
    }
    prepared.set(suite.name, { system, variants });
  }
  return prepared;
}

async function askTeacher(
  suite: LoadedSuite,
  teacherName: string,
  system: string,
  options: RewordingOptions,
): Promise<string[]> {
  const teacher = suite.variants.find((v) => v.name === teacherName);
  const provider = teacher && suite.providers[teacher.provider];
  if (!teacher || !provider) return [];
  const client = (options.clientFor ?? createModelClient)(provider, options.env);
  // The variant's own caps are sized for its answers (a label), not for three rewritten prompts.
  const { max_tokens: _max, max_completion_tokens: _maxCompletion, ...params } = teacher.params;
  const result = await client.complete({
    model: teacher.model,
    messages: [{ role: 'user', content: instructionRewordingPrompt(system, REWORDINGS) }],
    params,
  });
  const variants = parseRewordings(result.text).filter((text) => text.trim() !== system.trim());
  if (variants.length === 0) {
    throw new TunegateError(
      'fragility',
      `suite ${suite.name}: the teacher ${teacher.name} (${teacher.model}) answered with no usable rewording of its system prompt; write some in ${rewordingsFile(suite)} (a YAML list) or drop "instruction" from fragility.perturbations`,
    );
  }
  return variants;
}

function rewordingsYaml(system: string, variants: readonly string[]): string {
  const header = [
    '# Rewordings of the system prompt for fragility\'s "instruction" family, written by the teacher model.',
    '# Review them: each must ask for the same task and answer format as the original. Later runs reuse',
    `# this file as it is; delete it to have them written again. Original (first line): ${system.split('\n')[0]}`,
  ].join('\n');
  return `${header}\n${stringify([...variants], { lineWidth: 0 })}`;
}
