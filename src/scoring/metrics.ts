import type { TaskSpec } from '../suite/types.js';
import { wilson } from './intervals.js';
import { ConfusionCounter } from './label-metrics.js';
import { expectedAsText } from './normalize.js';
import { OutOfScopeCounter } from './out-of-scope.js';
import { isErrorRecord } from './record.js';
import { SampleBuffer } from './samples.js';
import type { ScoredRecord, VariantMetrics } from './types.js';

export interface MetricsAccumulator {
  add(record: ScoredRecord): void;
  finish(): VariantMetrics;
}

/** Gold and predicted labels of an answered record, from the labels scorer when the suite has one. */
function labelPair(record: ScoredRecord): [string, string] {
  const expected = record.expected_label ?? expectedAsText(record.expected).trim();
  if (record.predicted_label !== undefined && record.predicted_label !== null)
    return [expected, record.predicted_label];
  // No labels scorer: a correct case predicted the gold label; otherwise the trimmed output is the guess.
  return [expected, record.correct ? expected : (record.output ?? '').trim()];
}

/**
 * Folds scored records into a variant's metrics one at a time; records are not kept, so memory
 * stays flat (one float per latency, one counter per label pair) however many cases there are.
 *
 * Quality (accuracy, its interval, mean score, label metrics) is measured on the answered cases: a
 * call that failed or was never made says nothing about the model's answers. Errors are counted
 * beside it (`errors`, `error_rate`) and gated by the `error_rate` threshold instead.
 *
 * Cost is the cost of the workload as if it ran live: cached records carry the cost computed from
 * their usage and price (money actually spent is tracked by the engine, not here).
 */
export function createMetricsAccumulator(task: TaskSpec): MetricsAccumulator {
  let n = 0;
  let errors = 0;
  let correct = 0;
  let cachedResponses = 0;
  let scoreSum = 0;
  let successes = 0;
  let costTotal = 0;
  let priceKnown = true;
  let promptTokens = 0;
  let completionTokens = 0;
  let cachedTokens = 0;
  let recordsWithUsage = 0;
  const latencies = new SampleBuffer();
  const ttfts = new SampleBuffer();
  const confusion = task.kind === 'classification' ? new ConfusionCounter() : undefined;
  const outOfScope = task.out_of_scope === undefined ? undefined : new OutOfScopeCounter(task.out_of_scope);

  function add(record: ScoredRecord): void {
    n += 1;
    if (record.cached) cachedResponses += 1;
    if (isErrorRecord(record)) {
      errors += 1;
      return;
    }
    successes += 1;
    const [expected, predicted] = labelPair(record);
    confusion?.add(expected, predicted);
    outOfScope?.add(expected, predicted, record.correct);
    if (record.correct) correct += 1;
    scoreSum =
      record.scores.length === 0
        ? scoreSum + (record.correct ? 1 : 0)
        : scoreSum + record.scores.reduce((sum, score) => sum + score.value, 0) / record.scores.length;
    if (record.latency_ms !== null) latencies.push(record.latency_ms);
    if (record.ttft_ms !== null) ttfts.push(record.ttft_ms);
    if (record.cost_usd === null) priceKnown = false;
    else costTotal += record.cost_usd;
    if (record.usage !== null) {
      recordsWithUsage += 1;
      promptTokens += record.usage.prompt;
      completionTokens += record.usage.completion;
      cachedTokens += record.usage.cached;
    }
  }

  function finish(): VariantMetrics {
    const perRequest = priceKnown && successes > 0 ? costTotal / successes : null;
    const metrics: VariantMetrics = {
      n,
      errors,
      correct,
      error_rate: n === 0 ? 0 : errors / n,
      accuracy: successes === 0 ? 0 : correct / successes,
      accuracy_ci: wilson(correct, successes),
      latency_ms: latencies.stats(),
      ttft_ms: ttfts.stats(),
      cost_usd: {
        total: priceKnown ? costTotal : null,
        per_request: perRequest,
        per_1k: perRequest === null ? null : perRequest * 1000,
        price_known: priceKnown,
      },
      tokens: {
        prompt: promptTokens,
        completion: completionTokens,
        cached: cachedTokens,
        prompt_per_request: recordsWithUsage === 0 ? 0 : promptTokens / recordsWithUsage,
      },
      cached_responses: cachedResponses,
      mean_score: successes === 0 ? 0 : scoreSum / successes,
    };
    if (confusion !== undefined && successes > 0) metrics.labels = confusion.finish();
    const outOfScopeMetrics = outOfScope?.finish();
    if (outOfScopeMetrics) metrics.out_of_scope = outOfScopeMetrics;
    return metrics;
  }

  return { add, finish };
}
