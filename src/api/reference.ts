import { readFile } from 'node:fs/promises';
import type { ReferenceVariant } from '../decision/types.js';
import { TunegateError } from '../errors.js';
import type { RunResults } from '../report/types.js';

export type ReferenceResults = Record<string, Record<string, ReferenceVariant>>;

function invalid(path: string, why: string): TunegateError {
  return new TunegateError(
    'reference',
    `${path}:1:1 ${why}; pass the results.json of the run that accepted the models`,
  );
}

/** Reads an earlier results.json: what each suite's variants measured when they were accepted. */
export async function readReferenceResults(path: string): Promise<ReferenceResults> {
  let parsed: Partial<RunResults>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<RunResults>;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON';
    throw invalid(path, reason);
  }
  if (parsed.schema_version !== 1 || !Array.isArray(parsed.suites)) throw invalid(path, 'not a tunegate results.json');
  const reference: ReferenceResults = {};
  for (const suite of parsed.suites) {
    const variants: Record<string, ReferenceVariant> = {};
    for (const [name, variant] of Object.entries(suite.variants ?? {})) {
      variants[name] = {
        model: variant.model,
        correct: variant.metrics.correct,
        // Answered cases: errors are no answers (a file written by hand may leave them out).
        n: variant.metrics.n - (variant.metrics.errors ?? 0),
        passed: variant.passed,
      };
    }
    reference[suite.name] = variants;
  }
  return reference;
}
