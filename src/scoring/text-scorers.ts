import { TunegateError } from '../errors.js';
import type { Normalizer } from '../suite/types.js';
import { expectedObject, jsonValuesEqual, parseJsonOutput } from './json-values.js';
import { expectedAsText, normalize } from './normalize.js';
import { binaryScore, type Scorer } from './scorer.js';

/**
 * Normalized output equals the normalized gold answer. When the gold answer is an object (or a string
 * holding a JSON object), the output is parsed as JSON and compared deep (strings inside normalized).
 */
export function exactScorer(name: string, normalizers: Normalizer[]): Scorer {
  return {
    name,
    score({ output, expected }) {
      const goldObject = expectedObject(expected);
      if (goldObject !== undefined) {
        const parsed = parseJsonOutput(output);
        if (!parsed.ok) return binaryScore(name, false, `output is not JSON: ${parsed.error}`);
        const equal = jsonValuesEqual(parsed.value, goldObject, normalizers);
        return binaryScore(name, equal, equal ? undefined : 'output JSON differs from the expected object');
      }
      const equal = normalize(output, normalizers) === normalize(expectedAsText(expected), normalizers);
      return binaryScore(name, equal, equal ? undefined : 'output differs from the expected answer');
    },
  };
}

/** Normalized output contains the normalized `value` (default: the gold answer). */
export function containsScorer(name: string, normalizers: Normalizer[], value: string | undefined): Scorer {
  return {
    name,
    score({ output, expected }) {
      const needle = normalize(value ?? expectedAsText(expected), normalizers);
      const found = normalize(output, normalizers).includes(needle);
      return binaryScore(name, found, found ? undefined : `output does not contain ${JSON.stringify(needle)}`);
    },
  };
}

/** The raw output matches the pattern. The pattern is compiled once, here, so a bad one fails the build. */
export function regexScorer(name: string, pattern: string, flags: string | undefined): Scorer {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TunegateError(
      'scorer',
      `regex scorer: invalid pattern /${pattern}/${flags ?? ''}: ${detail}; fix the pattern in the suite`,
      {
        cause: error,
      },
    );
  }
  return {
    name,
    score({ output }) {
      regex.lastIndex = 0; // 'g' and 'y' make test() stateful; every case starts from the beginning
      const matched = regex.test(output);
      return binaryScore(name, matched, matched ? undefined : `output does not match /${pattern}/${flags ?? ''}`);
    },
  };
}
