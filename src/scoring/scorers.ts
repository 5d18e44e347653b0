import type { ScorerSpec, TaskKind } from '../suite/types.js';
import { customScorer } from './custom-scorer.js';
import { jsonScorer } from './json-scorer.js';
import { labelsScorer } from './labels-scorer.js';
import type { Scorer } from './scorer.js';
import { containsScorer, exactScorer, regexScorer } from './text-scorers.js';

export { scoreRecord } from './record.js';
export type { LabelPrediction, ScoreContext, Scorer } from './scorer.js';

/** `exact`, `regex`, `regex_2`…: unique names, so scores of two scorers of one type stay apart. */
function uniqueNames(specs: ScorerSpec[]): string[] {
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    const count = (seen.get(spec.type) ?? 0) + 1;
    seen.set(spec.type, count);
    return count === 1 ? spec.type : `${spec.type}_${count}`;
  });
}

function buildScorer(spec: ScorerSpec, name: string, task: { labels?: string[] }): Scorer | Promise<Scorer> {
  switch (spec.type) {
    case 'exact':
      return exactScorer(name, spec.normalize);
    case 'contains':
      return containsScorer(name, spec.normalize, spec.value);
    case 'regex':
      return regexScorer(name, spec.pattern, spec.flags);
    case 'json':
      return jsonScorer(name, spec);
    case 'labels':
      return labelsScorer(name, spec.normalize, task.labels);
    case 'custom':
      return customScorer(name, spec.module, spec.export);
  }
}

/**
 * Builds the scorers of a suite. Everything that can be checked once is checked here (regex patterns,
 * JSON schemas, custom modules), so a broken scorer fails with a TunegateError before any model call.
 */
export async function buildScorers(
  specs: ScorerSpec[],
  task: { kind: TaskKind; labels?: string[] },
): Promise<Scorer[]> {
  const names = uniqueNames(specs);
  return Promise.all(specs.map((spec, index) => buildScorer(spec, names[index] ?? spec.type, task)));
}
