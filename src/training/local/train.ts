/**
 * Trains a local classifier from labelled texts and encodes it as a model file. Labels are sorted, so
 * the order of the training rows changes nothing but the seeded pass order the seed already fixes.
 */
import { buildVocabulary, DEFAULT_FEATURES, type FeatureSettings, Vectorizer } from './features.js';
import { DEFAULT_SVM, type LabelledVectors, type LinearSvmOptions, trainLinearSvm } from './linear-svm.js';
import { encodeModel } from './model-file.js';

export interface LabelledText {
  input: string;
  label: string;
}

export interface LocalTrainOptions {
  seed: number;
  features?: Partial<FeatureSettings>;
  svm?: Partial<Omit<LinearSvmOptions, 'seed'>>;
  training_sha256: string;
  validation_sha256: string | null;
}

export interface TrainedLocalModel {
  /** The model file's text (what saveLocalModel writes). */
  text: string;
  train_ms: number;
  epochs_run: number;
  validation_accuracy: number | null;
}

export function trainLocalClassifier(
  train: readonly LabelledText[],
  validation: readonly LabelledText[],
  options: LocalTrainOptions,
): TrainedLocalModel {
  const started = performance.now();
  const settings: FeatureSettings = { ...DEFAULT_FEATURES, ...options.features };
  const labels = [...new Set(train.map((row) => row.label))].sort();
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const vocabulary = buildVocabulary(
    train.map((row) => row.input),
    settings,
  );
  const vectorizer = new Vectorizer(vocabulary, settings);
  // A validation label never seen in training counts as a miss (index -1 matches no prediction).
  const vectors = (rows: readonly LabelledText[]): LabelledVectors => ({
    vectors: rows.map((row) => vectorizer.vectorize(row.input)),
    labels: Int32Array.from(rows, (row) => labelIndex.get(row.label) ?? -1),
  });
  const result = trainLinearSvm(
    vectors(train),
    labels.length,
    vectorizer.size,
    validation.length ? vectors(validation) : null,
    { ...DEFAULT_SVM, ...options.svm, seed: options.seed },
  );
  const text = encodeModel(
    {
      labels,
      settings,
      vocabulary,
      model: result,
      metrics: {
        train_examples: train.length,
        validation_examples: validation.length,
        validation_accuracy: result.validation_accuracy,
        epochs_run: result.epochs_run,
        labels: labels.length,
        features: vectorizer.size,
        seed: options.seed,
      },
      training_sha256: options.training_sha256,
      validation_sha256: options.validation_sha256,
    },
    options.seed,
  );
  return {
    text,
    train_ms: performance.now() - started,
    epochs_run: result.epochs_run,
    validation_accuracy: result.validation_accuracy,
  };
}
