import { ExitCode, formatProblem, type Problem, TunegateError } from '../errors.js';
import type { CacheMode } from '../history/types.js';
import { isShutDown, lookUpLifecycle, type ModelLifecycle } from '../providers/lifecycle.js';
import { openLifecycleCache } from '../providers/lifecycle-cache.js';
import { lifecycleSentence } from '../report/lifecycle-text.js';
import { displayPath } from '../suite/locate.js';
import type { LoadedSuite, ProviderSpec, VariantSpec } from '../suite/types.js';

export type { ModelLifecycle };

export interface LifecycleOptions {
  /** The run's clock: adapters pass the real one, tests a fixed date. */
  now: Date;
  env: Record<string, string | undefined>;
  /** Where the providers' answers are kept for a day (none: asked every time). */
  cacheDir?: string;
  cacheMode?: CacheMode;
  /** Which providers to ask `GET /models/{id}` (default all); the others get the built-in table only. */
  ask?: (provider: ProviderSpec) => boolean;
}

export interface LifecycleCheck {
  /** By suite name, then variant name. */
  bySuite: Map<string, Record<string, ModelLifecycle>>;
  /** Models already shut down: the run must not start. */
  problems: Problem[];
  /** Models with an announced shutdown. */
  warnings: Problem[];
}

/** The warning (or problem) `validate` and `run` print at the variant's `model:`. */
export function lifecycleMessage(variant: Pick<VariantSpec, 'name' | 'model'>, lifecycle: ModelLifecycle): string {
  return `${displayPath(['variants', variant.name, 'model'])}: ${lifecycleSentence(variant.model, lifecycle)}`;
}

/**
 * Looks up the shutdown of every variant's model (providers asked at once, one attempt each, answers
 * kept for a day) and sorts what it finds into problems (already shut down) and warnings, each at the
 * variant's `model:`.
 */
export async function checkLifecycles(suites: LoadedSuite[], options: LifecycleOptions): Promise<LifecycleCheck> {
  const cache = await openLifecycleCache(options.cacheDir, options.cacheMode ?? 'use', options.now);
  const looked = await Promise.all(
    suites.flatMap((suite) =>
      suite.variants.map(async (variant) => {
        const provider = suite.providers[variant.provider] as ProviderSpec;
        const askProviders = options.ask ? options.ask(provider) : true;
        const lifecycle = await lookUpLifecycle(provider, variant, { ...options, cache, askProviders });
        return { suite, variant, lifecycle };
      }),
    ),
  );
  await cache.save();
  const check: LifecycleCheck = { bySuite: new Map(), problems: [], warnings: [] };
  for (const { suite, variant, lifecycle } of looked) {
    const bySuite = check.bySuite.get(suite.name) ?? {};
    bySuite[variant.name] = lifecycle;
    check.bySuite.set(suite.name, bySuite);
    if (lifecycle.shutdown_date === null) continue;
    const at = variant.model_ref ?? { file: suite.file, line: 1, col: 1 };
    const problem = { ...at, code: 'model-shutdown', message: lifecycleMessage(variant, lifecycle) };
    (isShutDown(lifecycle) ? check.problems : check.warnings).push(problem);
  }
  return check;
}

/** The error that stops a run before any call when a model is shut down (exit 2). */
export function shutDownError(problems: Problem[]): TunegateError {
  const lines = problems.map(formatProblem).join('\n');
  return new TunegateError(
    'model-shutdown',
    `${lines}\n${problems.length} model(s) already shut down; nothing was run and no model was called.`,
    { exitCode: ExitCode.usage, problems },
  );
}
