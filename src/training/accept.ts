/** Ready-made `accept` checks for distillation: what a kept teacher answer must look like. */
import { parseJsonOutput } from '../scoring/json-values.js';

/**
 * Classification: the answer must be one of the task's labels exactly (outer whitespace aside), so the
 * student learns the canonical spelling rather than a variant a lenient scorer would also pass.
 */
export function acceptOneOf(labels: readonly string[]): (output: string) => boolean {
  const known = new Set(labels);
  return (output) => known.has(output.trim());
}

/** Extraction: the answer must be JSON (a ```json fence is allowed) and pass `check` when given (e.g. a schema). */
export function acceptJson(check?: (value: unknown) => boolean): (output: string) => boolean {
  return (output) => {
    const parsed = parseJsonOutput(output);
    return parsed.ok && (check === undefined || check(parsed.value));
  };
}
