/**
 * One-vs-rest linear SVM, squared hinge loss, L2 regularised — the objective of LIBLINEAR's default
 * solver (and so of scikit-learn's LinearSVC) — trained by dual coordinate descent (Hsieh et al., 2008).
 * One epoch is one pass over the examples in an order drawn from a seeded generator, so the same data
 * and seed give the same weights. After each epoch the validation split is scored; training stops when
 * it has not improved for `patience` epochs (keeping the best epoch's weights) or when every label's
 * projected gradient is within `tolerance` of optimal.
 */
import { mulberry32 } from '../../dataset/sample.js';
import type { SparseVector } from './features.js';

export interface LinearSvmOptions {
  seed: number;
  /** Inverse regularisation strength (LinearSVC's C). */
  c: number;
  /** Stop a class when its projected-gradient spread is below this (LIBLINEAR's eps). */
  tolerance: number;
  max_epochs: number;
  patience: number;
}

export const DEFAULT_SVM: Omit<LinearSvmOptions, 'seed'> = { c: 1, tolerance: 0.1, max_epochs: 50, patience: 3 };

export interface LabelledVectors {
  vectors: readonly SparseVector[];
  labels: Int32Array;
}

/** The weight of feature f for label k at f × labels + k (rows by feature); the last row holds the biases. */
export interface LinearWeights {
  labels: number;
  features: number;
  weights: Float32Array;
}

export interface LinearSvmResult extends LinearWeights {
  epochs_run: number;
  validation_accuracy: number | null;
}

/** Every label's score for x (plus the biases), into `scores`. */
export function scoreLinear(model: LinearWeights, x: SparseVector, scores: Float64Array): Float64Array {
  const { labels, weights } = model;
  const biasRow = model.features * labels;
  for (let k = 0; k < labels; k++) scores[k] = weights[biasRow + k] as number;
  for (let j = 0; j < x.indices.length; j++) {
    const row = (x.indices[j] as number) * labels;
    const value = x.values[j] as number;
    for (let k = 0; k < labels; k++) scores[k] = (scores[k] as number) + value * (weights[row + k] as number);
  }
  return scores;
}

/** The best-scoring label (the lowest index on a tie). */
export function predictLinear(model: LinearWeights, x: SparseVector, scores = new Float64Array(model.labels)): number {
  scoreLinear(model, x, scores);
  let best = 0;
  for (let k = 1; k < model.labels; k++) if ((scores[k] as number) > (scores[best] as number)) best = k;
  return best;
}

export function accuracy(model: LinearWeights, data: LabelledVectors): number {
  const scores = new Float64Array(model.labels);
  let right = 0;
  data.vectors.forEach((x, i) => {
    if (predictLinear(model, x, scores) === data.labels[i]) right++;
  });
  return data.vectors.length ? right / data.vectors.length : 0;
}

/**
 * Each label's dual problem is solved by coordinate descent as LIBLINEAR does, but the labels move
 * together: one example at a time, all its scores come from one contiguous row per feature, and only
 * the labels whose alpha changed write back. Labels do not interact, so this is the same optimisation.
 */
export function trainLinearSvm(
  train: LabelledVectors,
  labelCount: number,
  features: number,
  validation: LabelledVectors | null,
  options: LinearSvmOptions,
): LinearSvmResult {
  const n = train.vectors.length;
  const model: LinearWeights = { labels: labelCount, features, weights: new Float32Array((features + 1) * labelCount) };
  const diagonal = 1 / (2 * options.c);
  // Q_ii: |x|² + 1 for the bias input, + 1/(2C) for the squared hinge.
  const qd = Float64Array.from(train.vectors, (x) => x.values.reduce((s, v) => s + v * v, 0) + 1 + diagonal);
  const alpha = new Float64Array(n * labelCount);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(options.seed);
  const pass: Pass = {
    scores: new Float64Array(labelCount),
    steps: new Float64Array(labelCount),
    moved: new Int32Array(labelCount),
    maxGradient: new Float64Array(labelCount),
    minGradient: new Float64Array(labelCount),
  };
  // One buffer for the best epoch's weights, overwritten in place (a copy per epoch would pile up garbage).
  const best = validation ? new Float32Array(model.weights.length) : model.weights;
  let bestAccuracy = -1;
  let sinceBest = 0;
  let epochs = 0;
  while (epochs < options.max_epochs) {
    epochs++;
    shuffle(order, random);
    const spread = epoch(model, train, order, alpha, qd, diagonal, pass);
    if (validation) {
      const score = accuracy(model, validation);
      // A tie keeps the later, better-optimised epoch, but only a gain resets the patience.
      if (score >= bestAccuracy) best.set(model.weights);
      if (score > bestAccuracy) {
        bestAccuracy = score;
        sinceBest = 0;
      } else if (++sinceBest >= options.patience) break;
    }
    if (spread <= options.tolerance) break;
  }
  return {
    ...model,
    weights: best,
    epochs_run: epochs,
    validation_accuracy: validation ? bestAccuracy : null,
  };
}

interface Pass {
  scores: Float64Array;
  /** The labels whose alpha moved on the current example, and by how much their weights move. */
  moved: Int32Array;
  steps: Float64Array;
  maxGradient: Float64Array;
  minGradient: Float64Array;
}

function shuffle(order: Int32Array, random: () => number): void {
  for (let s = order.length - 1; s > 0; s--) {
    const j = Math.floor(random() * (s + 1));
    const swap = order[s] as number;
    order[s] = order[j] as number;
    order[j] = swap;
  }
}

/** One pass over the examples; returns the widest projected-gradient spread of any label (0 = optimal). */
function epoch(
  model: LinearWeights,
  train: LabelledVectors,
  order: Int32Array,
  alpha: Float64Array,
  qd: Float64Array,
  diagonal: number,
  pass: Pass,
): number {
  const { labels, weights } = model;
  const { scores, steps, moved, maxGradient, minGradient } = pass;
  maxGradient.fill(Number.NEGATIVE_INFINITY);
  minGradient.fill(Number.POSITIVE_INFINITY);
  const biasRow = model.features * labels;
  for (const i of order) {
    const x = train.vectors[i] as SparseVector;
    scoreLinear(model, x, scores);
    const own = train.labels[i] as number;
    let changed = 0;
    for (let k = 0; k < labels; k++) {
      const y = k === own ? 1 : -1;
      const a = alpha[i * labels + k] as number;
      const gradient = y * (scores[k] as number) - 1 + a * diagonal;
      const projected = a === 0 && gradient > 0 ? 0 : gradient;
      if (projected > (maxGradient[k] as number)) maxGradient[k] = projected;
      if (projected < (minGradient[k] as number)) minGradient[k] = projected;
      if (Math.abs(projected) <= 1e-12) continue;
      const next = Math.max(a - gradient / (qd[i] as number), 0);
      const step = (next - a) * y;
      alpha[i * labels + k] = next;
      if (step === 0) continue;
      // Most labels sit still on most examples: only the ones that moved are written back.
      moved[changed] = k;
      steps[changed] = step;
      changed++;
    }
    if (changed === 0) continue;
    for (let j = 0; j < x.indices.length; j++) {
      const row = (x.indices[j] as number) * labels;
      const value = x.values[j] as number;
      for (let m = 0; m < changed; m++) {
        const at = row + (moved[m] as number);
        weights[at] = (weights[at] as number) + (steps[m] as number) * value;
      }
    }
    for (let m = 0; m < changed; m++) {
      const at = biasRow + (moved[m] as number);
      weights[at] = (weights[at] as number) + (steps[m] as number);
    }
  }
  let spread = 0;
  for (let k = 0; k < labels; k++) spread = Math.max(spread, (maxGradient[k] as number) - (minGradient[k] as number));
  return spread;
}
