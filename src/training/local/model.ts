import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TunegateError } from '../../errors.js';

/*
 * The shared contract of issue 15 (owned by the "model" workstream, branch wave3-localmodel), as this
 * branch codes against it. The merge takes that branch's file, which adds the trainer's model format;
 * this copy only knows the envelope, so it refuses to load weights it cannot read.
 */

export const LOCAL_MODEL_PREFIX = 'local:';

export interface LocalModelMetrics {
  train_examples: number;
  validation_examples: number;
  validation_accuracy: number | null;
  epochs_run: number;
  train_ms: number;
  labels: number;
  features: number;
  seed: number;
}

export interface LocalClassifier {
  id: string;
  labels: readonly string[];
  metrics: LocalModelMetrics;
  /** The label, exactly as in the training data. */
  predict(text: string): string;
}

/** `<root>/.tunegate/models`. */
export function localModelsDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.tunegate', 'models');
}

/** `<dir>/<hex>.json` for the id `local:<hex>`. */
export function localModelPath(workspaceRoot: string, id: string): string {
  const hex = id.startsWith(LOCAL_MODEL_PREFIX) ? id.slice(LOCAL_MODEL_PREFIX.length) : id;
  return path.join(localModelsDir(workspaceRoot), `${hex}.json`);
}

/** `local:` and 12 hex digits (of the model file's sha256). */
export function isLocalModelId(model: string): boolean {
  return /^local:[0-9a-f]{12}$/.test(model);
}

export async function loadLocalModel(file: string): Promise<LocalClassifier> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TunegateError('local-model', `${file}:1:1 cannot read the local model; run \`tunegate train\` first`);
  }
  let format: unknown;
  try {
    format = (JSON.parse(text) as { format?: unknown }).format;
  } catch {
    throw new TunegateError('local-model', `${file}:1:1 is not a local model file (not JSON); train it again`);
  }
  throw new TunegateError(
    'local-model',
    `${file}:1:1 this build cannot read local model files (format ${JSON.stringify(format)}); update tunegate`,
  );
}
