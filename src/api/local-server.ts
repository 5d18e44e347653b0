import { type Problem, TunegateError } from '../errors.js';
import { isFile } from '../read-if-exists.js';
import { startSimulator } from '../sim/index.js';
import type { LocalModels } from '../sim/local-route.js';
import { shownPath } from '../suite/paths.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';
import { repositoryRoot } from '../suite/workspace.js';
import {
  isLocalModelId,
  LOCAL_MODEL_PREFIX,
  type LocalClassifier,
  loadLocalModel,
  localModelPath,
} from '../training/local/model.js';
import type { RunningSimulator } from './simulate.js';

/**
 * `local: true` providers: tunegate serves their `local:` models itself, on the built-in server on a
 * free loopback port, for real (their answers are the classifiers' predictions, not simulated).
 */

/** Cache keys name this instead of the server's URL, whose port changes every run (a model id is its content hash). */
export const LOCAL_CACHE_IDENTITY = 'tunegate-local';

/** Reads a model file into a classifier: the trainer's loader, or a test's. */
export type LocalModelLoader = (file: string) => Promise<LocalClassifier>;

/** The variants of a suite served by one of its local providers. */
export function localVariants(suite: Pick<LoadedSuite, 'providers' | 'variants'>): VariantSpec[] {
  return suite.variants.filter((variant) => suite.providers[variant.provider]?.local === true);
}

export function usesLocalProvider(suites: readonly { suite: Pick<LoadedSuite, 'providers'> }[]): boolean {
  return suites.some(({ suite }) => Object.values(suite.providers).some((provider) => provider.local === true));
}

/** Where a suite's local models live: `.tunegate/models` of its repository (as the trainer writes them). */
export async function localModelFileOf(suite: Pick<LoadedSuite, 'dir'>, model: string): Promise<string> {
  return localModelPath(await repositoryRoot(suite.dir), model);
}

/** A `local:` model on another provider would be sent to that server, which has never heard of it. */
function misplacedLocalModel(suite: Pick<LoadedSuite, 'providers'>, variant: VariantSpec): string | undefined {
  if (!isLocalModelId(variant.model) || suite.providers[variant.provider]?.local === true) return undefined;
  return `${variant.model} is a model tunegate serves itself: put variant "${variant.name}" on a provider with local: true (provider "${variant.provider}" is not one)`;
}

/**
 * Each variant on a local provider names a `local:` model whose file exists, and every `local:` model is
 * on a local provider; problems at the variant's model line. `requireFiles: false` (commands that make
 * or prepare the model: train, training-set, distill) skips the file check: the file may not exist yet.
 */
export async function checkLocalModels(suite: LoadedSuite, { requireFiles = true } = {}): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const variant of suite.variants) {
    const message = misplacedLocalModel(suite, variant);
    const at = variant.model_ref ?? { file: suite.file, line: 1, col: 1 };
    if (message) problems.push({ ...at, code: 'local-model', message });
  }
  for (const variant of localVariants(suite)) {
    const at = { ...(variant.model_ref ?? { file: suite.file, line: 1, col: 1 }), code: 'local-model' };
    if (!isLocalModelId(variant.model)) {
      const message = `provider "${variant.provider}" (local: true) serves only ${LOCAL_MODEL_PREFIX}<id> models that \`tunegate train\` made with training.backend local; "${variant.model}" is not one`;
      problems.push({ ...at, message });
      continue;
    }
    if (!requireFiles) continue;
    const file = await localModelFileOf(suite, variant.model);
    if (!(await isFile(file))) {
      const message = `local model ${variant.model} not found (${shownPath(suite, file)}); run \`tunegate train\` on a suite with training.backend local to make it, and name the id it prints`;
      problems.push({ ...at, message });
    }
  }
  return problems;
}

/** Loads every local model the suites' variants name, once each; a missing or corrupt file throws (exit 2, naming it). */
export async function loadSuitesLocalModels(
  suites: readonly { suite: LoadedSuite }[],
  load: LocalModelLoader = loadLocalModel,
): Promise<Map<string, LocalClassifier>> {
  const models = new Map<string, LocalClassifier>();
  for (const { suite } of suites) {
    // Suites built after validation (promote's contest) are checked here too.
    for (const variant of suite.variants) {
      const message = misplacedLocalModel(suite, variant);
      if (message) throw new TunegateError('local-model', `${suite.file}: ${message}`);
    }
    for (const variant of localVariants(suite)) {
      if (models.has(variant.model) || !isLocalModelId(variant.model)) continue;
      models.set(variant.model, await load(await localModelFileOf(suite, variant.model)));
    }
  }
  return models;
}

/** Points every local provider at the server (no key, no secret header: it needs none). */
export function pointLocalProviders(suites: readonly { suite: LoadedSuite }[], url: string): void {
  for (const { suite } of suites) {
    for (const provider of Object.values(suite.providers)) {
      if (provider.local !== true) continue;
      provider.base_url = url;
      provider.cache_identity = LOCAL_CACHE_IDENTITY;
      delete provider.api_key_env;
      provider.headers = Object.fromEntries(
        Object.entries(provider.headers).filter(([, value]) => typeof value === 'string'),
      );
    }
  }
}

/** Starts the built-in server answering only these local models (no simulated model: any other id is a 404). */
export async function serveLocalModels(models: LocalModels): Promise<RunningSimulator> {
  return startSimulator({ cases: [], models: {} }, { localModels: models });
}
