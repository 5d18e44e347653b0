import type { LabelStats } from './types.js';

export interface LabelMetrics {
  macro_f1: number;
  per_label: Record<string, LabelStats>;
  confusion: Record<string, Record<string, number>>;
}

function f1Of(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Counts (gold, predicted) pairs; memory grows with the number of labels, not of cases. */
export class ConfusionCounter {
  private readonly counts = new Map<string, Map<string, number>>();

  add(expected: string, predicted: string): void {
    let row = this.counts.get(expected);
    if (row === undefined) {
      row = new Map();
      this.counts.set(expected, row);
    }
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
  }

  /**
   * Per-label precision/recall/F1 over gold ∪ predicted labels of the answered cases (failed calls
   * are not counted: they are errors, not predictions). A label never predicted has precision 0, like scikit-learn's
   * zero_division=0. Macro-F1 is the unweighted mean F1 over the gold labels present (support > 0),
   * so a label the model invents costs recall on the true labels but does not join the average.
   */
  finish(): LabelMetrics {
    const support = new Map<string, number>();
    const predictedTotal = new Map<string, number>();
    const truePositives = new Map<string, number>();
    const confusion: Record<string, Record<string, number>> = {};
    for (const [expected, row] of this.counts) {
      confusion[expected] = Object.fromEntries(row);
      for (const [predicted, count] of row) {
        support.set(expected, (support.get(expected) ?? 0) + count);
        predictedTotal.set(predicted, (predictedTotal.get(predicted) ?? 0) + count);
        if (predicted === expected) truePositives.set(expected, count);
      }
    }
    const labels = [...new Set([...support.keys(), ...predictedTotal.keys()])].sort();
    const per_label: Record<string, LabelStats> = {};
    let goldF1Sum = 0;
    let goldLabels = 0;
    for (const label of labels) {
      const hits = truePositives.get(label) ?? 0;
      const labelSupport = support.get(label) ?? 0;
      const predicted = predictedTotal.get(label) ?? 0;
      const precision = predicted === 0 ? 0 : hits / predicted;
      const recall = labelSupport === 0 ? 0 : hits / labelSupport;
      const f1 = f1Of(precision, recall);
      per_label[label] = { precision, recall, f1, support: labelSupport };
      if (labelSupport > 0) {
        goldF1Sum += f1;
        goldLabels += 1;
      }
    }
    return { macro_f1: goldLabels === 0 ? 0 : goldF1Sum / goldLabels, per_label, confusion };
  }
}
