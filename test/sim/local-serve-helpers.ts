import type { LocalClassifier } from '../../src/training/local/model.js';

/** A classifier double: a real function of the text it is given, so the answers show what it read. */
export function keywordClassifier(id: string): LocalClassifier {
  return {
    id,
    labels: ['card_lost', 'balance'],
    metrics: {
      train_examples: 2,
      validation_examples: 0,
      validation_accuracy: null,
      epochs_run: 1,
      train_ms: 0,
      labels: 2,
      features: 1,
      seed: 1,
    },
    predict: (text) => (text.includes('card') ? 'card_lost' : 'balance'),
  };
}
