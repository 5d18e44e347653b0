import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TunegateError } from '../errors.js';
import { binaryScore, type ScoreContext, type Scorer } from './scorer.js';
import type { Score } from './types.js';

/**
 * What a custom scorer function may return: a boolean; a number in 0..1 (partial credit, pass only
 * at 1); or `{ pass, value?, reason? }`. It may return a promise of any of these.
 */
export type CustomScoreResult = boolean | number | { pass: boolean; value?: number; reason?: string };
export type CustomScoreFunction = (ctx: ScoreContext) => CustomScoreResult | Promise<CustomScoreResult>;

function moduleUrl(module: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new TunegateError(
    'scorer',
    `custom scorer: module ${JSON.stringify(module)} must be an absolute path or a file: URL`,
  );
}

async function loadScoreFunction(module: string, exportName: string): Promise<CustomScoreFunction> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(moduleUrl(module))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TunegateError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new TunegateError('scorer', `custom scorer: cannot load ${module}: ${detail}; check the module path`, {
      cause: error,
    });
  }
  const candidate = namespace[exportName];
  if (typeof candidate !== 'function') {
    throw new TunegateError(
      'scorer',
      `custom scorer: ${module} has no function export ${JSON.stringify(exportName)}; export one or set \`export:\``,
    );
  }
  return candidate as CustomScoreFunction;
}

function isValidValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

/** Turns whatever the function returned into a Score; anything unexpected fails the case with a reason. */
export function toScore(name: string, result: unknown): Score {
  if (typeof result === 'boolean') return binaryScore(name, result);
  if (typeof result === 'number') {
    if (!isValidValue(result))
      return binaryScore(name, false, `custom scorer returned ${result}; expected a number in 0..1`);
    return { scorer: name, pass: result >= 1, value: result };
  }
  if (typeof result === 'object' && result !== null && typeof (result as { pass?: unknown }).pass === 'boolean') {
    const { pass, value, reason } = result as { pass: boolean; value?: unknown; reason?: unknown };
    if (value !== undefined && !isValidValue(value)) {
      return binaryScore(name, false, `custom scorer returned value ${String(value)}; expected a number in 0..1`);
    }
    const score: Score = { scorer: name, pass, value: value ?? (pass ? 1 : 0) };
    if (typeof reason === 'string') score.reason = reason;
    return score;
  }
  return binaryScore(
    name,
    false,
    `custom scorer returned ${JSON.stringify(result) ?? String(result)}; expected a boolean, a number or { pass }`,
  );
}

/** Loads the module once, at build time; a scorer that throws fails its case instead of the run. */
export async function customScorer(name: string, module: string, exportName = 'default'): Promise<Scorer> {
  const scoreFunction = await loadScoreFunction(module, exportName);
  return {
    name,
    async score(ctx) {
      try {
        return toScore(name, await scoreFunction(ctx));
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return binaryScore(name, false, `custom scorer threw: ${detail}`);
      }
    },
  };
}
