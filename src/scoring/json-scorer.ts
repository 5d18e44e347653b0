import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { TunegateError } from '../errors.js';
import type { Normalizer } from '../suite/types.js';
import { expectedObject, isJsonObject, jsonValuesEqual, parseJsonOutput } from './json-values.js';
import { binaryScore, type Scorer } from './scorer.js';
import type { Score } from './types.js';

export interface JsonScorerOptions {
  schema?: Record<string, unknown>;
  /** Fields to compare; default every key of the gold object. */
  fields?: string[];
  normalize: Normalizer[];
}

function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  try {
    // strict: false — user schemas often carry keywords (examples, $comment, formats) Ajv would reject.
    return new Ajv({ strict: false, allErrors: false }).compile(schema);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TunegateError('scorer', `json scorer: the schema does not compile: ${detail}; fix the schema`, {
      cause: error,
    });
  }
}

function describeSchemaError(error: ErrorObject | undefined): string {
  if (error === undefined) return 'output does not match the schema';
  return `output does not match the schema at ${error.instancePath || '/'}: ${error.message ?? error.keyword}`;
}

/**
 * Parses the output as JSON (a ```json fence is unwrapped), validates it against the schema when
 * given, and compares it field by field with the gold object when there is one: value is the share of
 * matching fields, pass needs them all. Output fields the gold answer lacks are allowed, except a
 * field named in `fields`: then the output must leave it out too (or set it to null).
 */
export function jsonScorer(name: string, options: JsonScorerOptions): Scorer {
  const validate = options.schema === undefined ? undefined : compileSchema(options.schema);
  return {
    name,
    score({ output, expected }): Score {
      const parsed = parseJsonOutput(output);
      if (!parsed.ok) return binaryScore(name, false, `output is not JSON: ${parsed.error}`);
      if (validate !== undefined && !validate(parsed.value)) {
        return binaryScore(name, false, describeSchemaError(validate.errors?.[0]));
      }
      const gold = expectedObject(expected);
      if (gold === undefined) return binaryScore(name, true);
      if (!isJsonObject(parsed.value)) return binaryScore(name, false, 'output is JSON but not an object');
      return compareFields(name, parsed.value, gold, options);
    },
  };
}

function compareFields(
  name: string,
  actual: Record<string, unknown>,
  gold: Record<string, unknown>,
  options: JsonScorerOptions,
): Score {
  const fields = options.fields ?? Object.keys(gold);
  if (fields.length === 0) return binaryScore(name, true);
  const mismatched = fields.filter((field) => !fieldMatches(actual[field], gold[field], options.normalize));
  const value = (fields.length - mismatched.length) / fields.length;
  const pass = mismatched.length === 0;
  return pass
    ? { scorer: name, pass, value }
    : { scorer: name, pass, value, reason: `fields differ: ${mismatched.join(', ')}` };
}

function fieldMatches(actual: unknown, gold: unknown, normalizers: Normalizer[]): boolean {
  // A field the gold answer leaves out must be absent (or null) in the output as well.
  if (gold === undefined) return actual === undefined || actual === null;
  return actual !== undefined && jsonValuesEqual(actual, gold, normalizers);
}
