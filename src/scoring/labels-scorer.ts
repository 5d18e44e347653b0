import type { Normalizer } from '../suite/types.js';
import { expectedAsText, normalize } from './normalize.js';
import { binaryScore, type LabelPrediction, type ScoreContext, type Scorer } from './scorer.js';

const labelPrefix = /^(?:label|intent)\s*[:=]\s*/iu;
const surroundingQuotes = /^["'`‘’“”«»]+|["'`‘’“”«»]+$/gu;
const trailingPunctuation = /[.,;:!?。]+$/u;

/** Undoes the usual decorations a chat model adds around a label: `Intent: "card_arrival".` */
function undecorate(text: string): string {
  let result = text.trim().replace(labelPrefix, '');
  result = result.replace(trailingPunctuation, '').replace(surroundingQuotes, '').trim();
  return result.replace(trailingPunctuation, '').trim();
}

/**
 * Classification: the normalized output is the predicted label; pass when it equals the normalized
 * gold label. With a label list, an output that is not a label is retried without quotes, trailing
 * punctuation and a leading `label:`/`intent:`; labels are reported in the list's spelling.
 */
export function labelsScorer(name: string, normalizers: Normalizer[], labels: string[] | undefined): Scorer {
  // normalized label → the label as the suite spells it (the first one wins if two normalize alike)
  const canonical = new Map<string, string>();
  for (const label of labels ?? []) {
    const key = normalize(label, normalizers);
    if (!canonical.has(key)) canonical.set(key, label);
  }

  function predict(output: string): { key: string; label: string } {
    const key = normalize(output, normalizers);
    const exact = canonical.get(key);
    if (exact !== undefined || canonical.size === 0) return { key, label: exact ?? key };
    const looseKey = normalize(undecorate(output), normalizers);
    const loose = canonical.get(looseKey);
    return loose === undefined ? { key, label: key } : { key: looseKey, label: loose };
  }

  function classify({
    output,
    expected,
  }: ScoreContext): LabelPrediction & { predictedKey: string; expectedKey: string } {
    const prediction = predict(output);
    const expectedKey = normalize(expectedAsText(expected), normalizers);
    return {
      predicted: prediction.label,
      predictedKey: prediction.key,
      expected: canonical.get(expectedKey) ?? expectedKey,
      expectedKey,
    };
  }

  return {
    name,
    labelsOf: (ctx) => {
      const { predicted, expected } = classify(ctx);
      return { predicted, expected };
    },
    score(ctx) {
      const { predicted, predictedKey, expected, expectedKey } = classify(ctx);
      const pass = predictedKey === expectedKey;
      return binaryScore(
        name,
        pass,
        pass ? undefined : `predicted ${JSON.stringify(predicted)}, expected ${JSON.stringify(expected)}`,
      );
    },
  };
}
