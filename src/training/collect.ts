import { EncodingError, textChunks, textLines } from '../dataset/stream.js';
import { isFile } from '../read-if-exists.js';
import { type CaseLine, readCases } from '../report/cases-file.js';
import { isRecord, readJsonlFile } from '../report/jsonl-file.js';
import type { TrainingSourceSpec } from '../suite/types.js';
import { toTrainingExample } from './examples.js';
import type { ServeFormat } from './serve-format.js';
import type { TrainingExample } from './types.js';

/** The code of the error a malformed line of a training source (a run's cases.jsonl, logs) raises. */
const TRAINING_SOURCE_ERROR = 'training-source';

/** The fields of a cases.jsonl line that training reads. */
export type EvalCaseRecord = Pick<
  CaseLine,
  'suite' | 'variant' | 'case_id' | 'input' | 'expected' | 'output' | 'correct' | 'expected_label'
>;

/** The gold label a labels scorer recorded, if any. */
export function recordedLabel(record: EvalCaseRecord): string | undefined {
  return typeof record.expected_label === 'string' ? record.expected_label : undefined;
}

/** Reads every record of one suite from cases.jsonl, reporting malformed lines as `file:line:col`. */
export async function readSuiteRecords(
  path: string,
  suite: string,
  visit: (record: EvalCaseRecord) => void,
): Promise<void> {
  await readCases(
    path,
    (record) => {
      if (record.suite === suite) visit(record);
    },
    TRAINING_SOURCE_ERROR,
  );
}

export interface EvalSourceOptions {
  suite: string;
  /** The baseline variant whose correct outputs become training targets. */
  variant: string;
  /** The variant whose prompt shape the trained model will be called with. */
  format: ServeFormat | undefined;
  /** Class label for stratification; defaults to the label recorded by a labels scorer. */
  labelOf?: (record: EvalCaseRecord) => string | undefined;
  /** Whether a case may be trained on: never one the evaluation uses. */
  mayTrain: (caseId: string) => boolean;
}

/** The baseline's correct answers in a run's cases.jsonl, on the cases that may be trained on, as training examples. */
export async function examplesFromEval(casesJsonlPath: string, options: EvalSourceOptions): Promise<TrainingExample[]> {
  const labelOf = options.labelOf ?? recordedLabel;
  const examples: TrainingExample[] = [];
  await readSuiteRecords(casesJsonlPath, options.suite, (record) => {
    if (record.variant !== options.variant || !record.correct || record.output === null) return;
    if (!options.mayTrain(record.case_id)) return;
    const label = labelOf(record);
    examples.push(
      toTrainingExample({
        id: `eval:${record.case_id}`,
        source: 'eval',
        input: record.input,
        output: record.output,
        format: options.format,
        ...(label === undefined ? {} : { label }),
      }),
    );
  });
  return examples;
}

export interface LogsSourceOptions {
  format: ServeFormat | undefined;
}

/** A JSONL file of logged production pairs, one `{"input": "...", "output": "..."}` (optional "label") a line. */
export async function examplesFromLogs(path: string, options: LogsSourceOptions): Promise<TrainingExample[]> {
  const examples: TrainingExample[] = [];
  await readJsonlFile(
    path,
    (value, line) => {
      if (!isRecord(value)) return 'expected a JSON object like {"input": "...", "output": "..."}';
      const { input, output, label } = value;
      if (typeof input !== 'string') return '"input" must be a string';
      if (typeof output !== 'string') return '"output" must be a string';
      if (label !== undefined && typeof label !== 'string') return '"label" must be a string when present';
      examples.push(
        toTrainingExample({
          id: `logs:${line}`,
          source: 'logs',
          input,
          output,
          format: options.format,
          ...(label === undefined ? {} : { label }),
        }),
      );
      return undefined;
    },
    TRAINING_SOURCE_ERROR,
  );
  return examples;
}

/**
 * How many pairs the `logs` sources hold (their non-blank lines), for the fine-tune readiness count that
 * every run makes: streamed, since a production log may be larger than memory; unvalidated.
 */
export async function countLoggedPairs(sources: readonly TrainingSourceSpec[] | undefined): Promise<number> {
  let count = 0;
  for (const source of sources ?? []) {
    if (source.type !== 'logs' || !(await isFile(source.path))) continue;
    try {
      for (const _line of textLines(textChunks(source.path))) count++;
    } catch (error) {
      // Lines up to a byte that is not UTF-8 count; `training-set` reports where it is.
      if (!(error instanceof EncodingError)) throw error;
    }
  }
  return count;
}

/** One stored completion reduced to its prompt input and answer (listed by the provider layer). */
export interface StoredPair {
  id: string;
  input: string;
  output: string;
}

/** Stored completions (listed by an injected function, so this layer needs no client) as training examples. */
export async function examplesFromStored(
  list: () => Promise<StoredPair[]>,
  options: LogsSourceOptions,
): Promise<TrainingExample[]> {
  const pairs = await list();
  return pairs.map((pair) =>
    toTrainingExample({
      id: `stored:${pair.id}`,
      source: 'stored',
      input: pair.input,
      output: pair.output,
      format: options.format,
    }),
  );
}
