/**
 * The local classifier's file: one versioned JSON document. Arrays are base64 of little-endian typed
 * arrays; weights are int8 with one scale per feature row (a quarter of float32's size; a row's labels
 * share a magnitude far better than a label's features do, so the bench's accuracy, scored on the
 * decoded model, stays within a case or two of float32). Nothing in it depends on the clock, so the same
 * data and seed give the same bytes — and the same content address.
 */
import type { FeatureSettings, Vocabulary } from './features.js';
import type { LinearWeights } from './linear-svm.js';

export const LOCAL_MODEL_FORMAT = 'tunegate-local-classifier';
export const LOCAL_MODEL_VERSION = 1;

/** What the file records about training (its wall time lives beside it: see model.ts). */
export interface StoredMetrics {
  train_examples: number;
  validation_examples: number;
  validation_accuracy: number | null;
  epochs_run: number;
  labels: number;
  features: number;
  seed: number;
}

export interface LocalModelDocument {
  format: typeof LOCAL_MODEL_FORMAT;
  version: typeof LOCAL_MODEL_VERSION;
  labels: string[];
  features: FeatureSettings & { word_buckets: string; char_buckets: string; idf: string };
  weights: { encoding: 'int8-row-scaled'; layout: 'feature-major'; scales: string; data: string };
  metrics: StoredMetrics;
  seed: number;
  training_sha256: string;
  validation_sha256: string | null;
}

// Typed arrays are little-endian on every platform Node runs on; the file says so by name.
function toBase64(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function fromBase64<T>(text: string, make: (buffer: ArrayBuffer) => T, bytesPer: number, count: number): T {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== bytesPer * count) throw new Error(`expected ${count * bytesPer} bytes, found ${bytes.length}`);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return make(copy);
}

/** Int8 per feature row (biases last): w ≈ q × scale[f], scale[f] = max |w| of row f / 127. */
export function quantize(model: LinearWeights): { scales: Float32Array; data: Int8Array } {
  const { labels, weights } = model;
  const scales = new Float32Array(model.features + 1);
  for (let at = 0; at < weights.length; at++) {
    const f = Math.floor(at / labels);
    scales[f] = Math.max(scales[f] as number, Math.abs(weights[at] as number) / 127);
  }
  const data = new Int8Array(weights.length);
  for (let at = 0; at < weights.length; at++) {
    const scale = scales[Math.floor(at / labels)] as number;
    data[at] = scale > 0 ? Math.round((weights[at] as number) / scale) : 0;
  }
  return { scales, data };
}

export function dequantize(scales: Float32Array, data: Int8Array, labels: number): Float32Array {
  // A plain loop: Float32Array.from with a map function builds a JS array of every value first.
  const weights = new Float32Array(data.length);
  for (let at = 0; at < data.length; at++)
    weights[at] = (data[at] as number) * (scales[Math.floor(at / labels)] as number);
  return weights;
}

export function encodeModel(
  parts: {
    labels: string[];
    settings: FeatureSettings;
    vocabulary: Vocabulary;
    model: LinearWeights;
    metrics: StoredMetrics;
    training_sha256: string;
    validation_sha256: string | null;
  },
  seed: number,
): string {
  const { scales, data } = quantize(parts.model);
  const document: LocalModelDocument = {
    format: LOCAL_MODEL_FORMAT,
    version: LOCAL_MODEL_VERSION,
    labels: parts.labels,
    features: {
      ...parts.settings,
      word_buckets: toBase64(parts.vocabulary.wordBuckets),
      char_buckets: toBase64(parts.vocabulary.charBuckets),
      idf: toBase64(parts.vocabulary.idf),
    },
    weights: { encoding: 'int8-row-scaled', layout: 'feature-major', scales: toBase64(scales), data: toBase64(data) },
    metrics: parts.metrics,
    seed,
    training_sha256: parts.training_sha256,
    validation_sha256: parts.validation_sha256,
  };
  return `${JSON.stringify(document)}\n`;
}

export interface DecodedModel {
  document: LocalModelDocument;
  vocabulary: Vocabulary;
  model: LinearWeights;
}

/** The document's arrays back as typed arrays; throws a plain Error saying what is wrong (model.ts adds the path). */
export function decodeModel(document: LocalModelDocument): DecodedModel {
  const { features, weights, labels } = document;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new Error('"labels" must be a non-empty list of strings');
  }
  if (!features || !weights || weights.encoding !== 'int8-row-scaled' || weights.layout !== 'feature-major') {
    throw new Error('"features" or "weights" is missing or has an unknown encoding');
  }
  const wordCount = Buffer.byteLength(features.word_buckets, 'base64') / 4;
  const charCount = Buffer.byteLength(features.char_buckets, 'base64') / 4;
  const size = wordCount + charCount;
  const vocabulary: Vocabulary = {
    wordBuckets: fromBase64(features.word_buckets, (b) => new Uint32Array(b), 4, wordCount),
    charBuckets: fromBase64(features.char_buckets, (b) => new Uint32Array(b), 4, charCount),
    idf: fromBase64(features.idf, (b) => new Float32Array(b), 4, size),
  };
  const scales = fromBase64(weights.scales, (b) => new Float32Array(b), 4, size + 1);
  const data = fromBase64(weights.data, (b) => new Int8Array(b), 1, (size + 1) * labels.length);
  const model = { labels: labels.length, features: size, weights: dequantize(scales, data, labels.length) };
  return { document, vocabulary, model };
}
