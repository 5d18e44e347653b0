import type { FileContext } from './resolve-files.js';
import type { RawSuite } from './schema.js';
import type { TaskSpec } from './types.js';

/**
 * The task as the run uses it: kind, labels, and the out-of-scope label, which only a classification
 * can have and which must be one of the task's labels when it lists them (a typo would otherwise
 * match no case and the report would silently show nothing).
 */
export function resolveTask(ctx: FileContext, raw: RawSuite['task'], labels: string[] | undefined): TaskSpec {
  const task: TaskSpec = labels ? { kind: raw.kind, labels } : { kind: raw.kind };
  const outOfScope = raw.out_of_scope;
  if (outOfScope === undefined) return task;
  if (raw.kind !== 'classification') {
    ctx.report.at(
      ['task', 'out_of_scope'],
      'out-of-scope',
      `an out-of-scope label needs a classification task; this suite's task.kind is ${raw.kind}: ` +
        'remove task.out_of_scope or make the task a classification',
    );
    return task;
  }
  if (labels && !labels.includes(outOfScope)) {
    ctx.report.at(
      ['task', 'out_of_scope'],
      'out-of-scope',
      `${JSON.stringify(outOfScope)} is not one of task.labels: add it to the labels or name a listed label`,
    );
    return task;
  }
  task.out_of_scope = outOfScope;
  return task;
}
