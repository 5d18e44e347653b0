/**
 * Local classifiers on disk: `<workspace>/.tunegate/models/<12 hex>.json`, named by the sha256 of their
 * bytes, so a model id (`local:<12 hex>`) says exactly which file answers. How long training took is not
 * in that file (it would change the bytes on every run); it sits beside it in `<12 hex>.timing.json`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TunegateError } from '../../errors.js';
import { replaceFile } from '../../replace-file.js';
import { Vectorizer } from './features.js';
import { predictLinear } from './linear-svm.js';
import { decodeModel, LOCAL_MODEL_FORMAT, LOCAL_MODEL_VERSION, type LocalModelDocument } from './model-file.js';

export const LOCAL_MODEL_PREFIX = 'local:';
const ID_HEX = 12;

export interface LocalModelMetrics {
  train_examples: number;
  validation_examples: number;
  validation_accuracy: number | null;
  epochs_run: number;
  /** Wall time of training; 0 when the timing file beside the model is gone. */
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

export function localModelsDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.tunegate', 'models');
}

function hexOf(id: string): string {
  return id.startsWith(LOCAL_MODEL_PREFIX) ? id.slice(LOCAL_MODEL_PREFIX.length) : id;
}

/** `<dir>/<hex>.json`; `id` with or without the `local:` prefix. */
export function localModelPath(workspaceRoot: string, id: string): string {
  return path.join(localModelsDir(workspaceRoot), `${hexOf(id)}.json`);
}

function timingPath(modelPath: string): string {
  return modelPath.replace(/\.json$/, '.timing.json');
}

const LOCAL_MODEL_ID = new RegExp(`^${LOCAL_MODEL_PREFIX}[0-9a-f]{${ID_HEX}}$`);

export function isLocalModelId(model: string): boolean {
  return LOCAL_MODEL_ID.test(model);
}

/** Writes a model file where its content says (the same bytes twice land on the same file), and its timing. */
export async function saveLocalModel(
  workspaceRoot: string,
  text: string,
  trainMs: number,
): Promise<{ id: string; path: string }> {
  const id = LOCAL_MODEL_PREFIX + createHash('sha256').update(text).digest('hex').slice(0, ID_HEX);
  const file = localModelPath(workspaceRoot, id);
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFile(file, text);
  await replaceFile(timingPath(file), `${JSON.stringify({ train_ms: Math.round(trainMs) })}\n`);
  return { id, path: file };
}

function unreadable(file: string, why: string): TunegateError {
  return new TunegateError(
    'local-model',
    `${file}: ${why}; train it again with \`tunegate train\` (backend: { type: local })`,
  );
}

async function readTrainMs(file: string): Promise<number> {
  try {
    const value = JSON.parse(await readFile(timingPath(file), 'utf8')).train_ms;
    return typeof value === 'number' ? value : 0;
  } catch {
    return 0;
  }
}

/** A model file ready to predict; a clear error naming the file when it is missing, corrupt or too new. */
export async function loadLocalModel(file: string): Promise<LocalClassifier> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw unreadable(file, 'no local model file here');
  }
  let document: LocalModelDocument;
  try {
    document = JSON.parse(text);
  } catch {
    throw unreadable(file, 'not a local model file (not JSON: truncated or corrupt)');
  }
  if (document?.format !== LOCAL_MODEL_FORMAT) throw unreadable(file, `not a ${LOCAL_MODEL_FORMAT} file`);
  if (document.version !== LOCAL_MODEL_VERSION) {
    throw new TunegateError(
      'local-model',
      `${file}: local model format version ${JSON.stringify(document.version)}, this tunegate reads version ` +
        `${LOCAL_MODEL_VERSION}; upgrade tunegate or train the model again`,
    );
  }
  let decoded: ReturnType<typeof decodeModel>;
  try {
    decoded = decodeModel(document);
  } catch (error) {
    throw unreadable(file, `corrupt local model (${(error as Error).message})`);
  }
  const vectorizer = new Vectorizer(decoded.vocabulary, document.features);
  const scores = new Float64Array(decoded.model.labels);
  const labels = document.labels;
  const hex = createHash('sha256').update(text).digest('hex').slice(0, ID_HEX);
  return {
    id: LOCAL_MODEL_PREFIX + hex,
    labels,
    metrics: { ...document.metrics, train_ms: await readTrainMs(file) },
    predict: (input) => labels[predictLinear(decoded.model, vectorizer.vectorize(input), scores)] as string,
  };
}
