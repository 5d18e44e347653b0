import { isDeepStrictEqual } from 'node:util';
import type { Normalizer } from '../suite/types.js';
import { normalize } from './normalize.js';

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

// The first fenced block (```json … ``` or a bare ``` … ```), wherever it sits in the text.
const fencedBlock = /```[ \t]*(?:json[c5]?)?[ \t]*\r?\n?([\s\S]*?)```/i;

/** Parses model output as JSON, unwrapping a Markdown code fence when the model added one. */
export function parseJsonOutput(text: string): ParsedJson {
  const fenced = fencedBlock.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The gold answer as an object when it is one, or a string holding a JSON object (CSV datasets
 * carry objects as text); otherwise undefined.
 */
export function expectedObject(expected: unknown): Record<string, unknown> | undefined {
  if (isJsonObject(expected)) return expected;
  if (typeof expected === 'string' && expected.trim().startsWith('{')) {
    const parsed = parseJsonOutput(expected);
    if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  }
  return undefined;
}

/** A copy with the normalizers applied to every string, at any depth. */
function normalizeStrings(value: unknown, normalizers: readonly Normalizer[]): unknown {
  if (typeof value === 'string') return normalize(value, normalizers);
  if (Array.isArray(value)) return value.map((item) => normalizeStrings(item, normalizers));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeStrings(item, normalizers)]));
  }
  return value;
}

/** Deep equality of JSON values (key order ignored, array order kept), strings compared normalized. */
export function jsonValuesEqual(actual: unknown, expected: unknown, normalizers: readonly Normalizer[]): boolean {
  return isDeepStrictEqual(normalizeStrings(actual, normalizers), normalizeStrings(expected, normalizers));
}
