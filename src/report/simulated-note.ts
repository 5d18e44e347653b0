import type { RunResults, SuiteResult } from './types.js';

/**
 * Which answers of a run came from the simulator. A run can mix both: a local model tunegate serves
 * itself answers for real beside a simulated LLM, and its numbers must not read as configured ones.
 */

/** Variants that answered and none of whose answers were simulated (older results record no flag). */
function realVariants(suite: SuiteResult): string[] {
  return Object.entries(suite.variants)
    .filter(([, variant]) => variant.simulated === false && variant.metrics.n > variant.metrics.errors)
    .map(([name]) => name);
}

function simulatedVariants(suite: SuiteResult): string[] {
  return Object.entries(suite.variants)
    .filter(([, variant]) => variant.simulated !== false)
    .map(([name]) => name);
}

function names(list: readonly string[]): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

/** The run's simulation sentence (after "SIMULATED: " or a heading), or null when nothing was simulated. */
export function simulatedNote(results: RunResults): { partly: boolean; text: string } | null {
  if (!results.simulated) return null;
  const qualify = results.suites.length > 1;
  const named = (suite: SuiteResult, list: string[]) => list.map((name) => (qualify ? `${suite.name}/${name}` : name));
  const real = [...new Set(results.suites.flatMap((suite) => named(suite, realVariants(suite))))];
  const simulated = [
    ...new Set(results.suites.filter((s) => s.simulated).flatMap((suite) => named(suite, simulatedVariants(suite)))),
  ];
  if (real.length === 0 || simulated.length === 0) {
    return { partly: false, text: 'responses came from the tunegate simulator, not a real model.' };
  }
  return {
    partly: true,
    text: `responses of ${names(simulated)} came from the tunegate simulator, not a real model; those of ${names(real)} are real.`,
  };
}

/** A suite's header mark: "(simulated)", "(simulated: prompted)" when only some variants were, or nothing. */
export function suiteSimulatedMark(suite: SuiteResult): string {
  if (!suite.simulated) return '';
  return realVariants(suite).length === 0 ? ' (simulated)' : ` (simulated: ${names(simulatedVariants(suite))})`;
}
