export { type CustomScoreFunction, type CustomScoreResult, toScore } from './custom-scorer.js';
export { inverseNormalCdf, wilson, zForConfidence } from './intervals.js';
export { createMetricsAccumulator, type MetricsAccumulator } from './metrics.js';
export { expectedAsText, normalize } from './normalize.js';
export { isErrorRecord, scoreRecord } from './record.js';
export { percentile, SampleBuffer } from './samples.js';
export { buildScorers, type LabelPrediction, type ScoreContext, type Scorer } from './scorers.js';
export { evaluateThresholds } from './thresholds.js';
export type * from './types.js';
