import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode, TunegateError } from '../errors.js';
import { countMessageTokens, loadTokenizer } from '../providers/tokens.js';
import type { ChatMessage } from '../providers/types.js';
import { type FineTuningFileKind, validateChatFineTuningJsonl } from './chat-format.js';
import { countLeak, emptyLeakCounts, type LeakCounts, type LeakIndex, leakIndex } from './decontaminate.js';
import { normalizeText } from './similarity.js';
import { stratifiedSplit } from './split.js';
import type { PreferenceExample, TrainingExample, TrainingSetReport } from './types.js';

/** OpenAI refuses fine-tuning files with fewer examples. */
export const MIN_TRAINING_EXAMPLES = 10;

export const TRAIN_FILE = 'train.jsonl';
export const VALIDATION_FILE = 'validation.jsonl';
export const PREFERENCE_FILE = 'preference.jsonl';
/** The build's report (counts, leaks by rule with examples, files), for people and later steps. */
export const TRAINING_SET_REPORT_FILE = 'training-set.json';

export interface TrainingSetOptions {
  /** Inputs of the eval set: no training example may leak one of them (see decontaminate.ts for the rules). */
  evalInputs: string[];
  /** Fraction of examples held out for validation, 0 ≤ x < 1. */
  validationSplit: number;
  maxTokensPerExample: number;
  seed?: number;
  outDir: string;
  preference?: PreferenceExample[];
}

interface Filtered<T> {
  kept: T[];
  duplicates: number;
  leaks: LeakCounts;
  tooLong: number;
}

/** The user turn a preference pair answers (its raw input after the template). */
function lastUserContent(pair: PreferenceExample): string {
  return pair.input.messages.findLast((message) => message.role === 'user')?.content ?? '';
}

function preferenceTokens(pair: PreferenceExample): number {
  const longest = Math.max(
    ...[...pair.preferred_output, ...pair.non_preferred_output].map((out) => countMessageTokens([out])),
  );
  return countMessageTokens(pair.input.messages) + longest;
}

/**
 * Drops, in this order, exact duplicates (same normalized input; the first one stays), items whose input
 * equals or nearly equals an eval input, and items over the token limit. Needs the tokenizer loaded.
 */
function filterItems<T>(
  items: readonly T[],
  inputOf: (item: T) => string,
  tokensOf: (item: T) => number,
  evalIndex: LeakIndex,
  maxTokens: number,
  leaks: LeakCounts = emptyLeakCounts(),
): Filtered<T> {
  const result: Filtered<T> = { kept: [], duplicates: 0, leaks, tooLong: 0 };
  const seen = new Set<string>();
  for (const item of items) {
    const normalized = normalizeText(inputOf(item));
    if (seen.has(normalized)) {
      result.duplicates++;
      continue;
    }
    seen.add(normalized);
    const leak = evalIndex.find(inputOf(item));
    if (leak) countLeak(result.leaks, inputOf(item), leak);
    else if (tokensOf(item) > maxTokens) result.tooLong++;
    else result.kept.push(item);
  }
  return result;
}

function checkOptions(options: TrainingSetOptions): void {
  const { validationSplit, maxTokensPerExample } = options;
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new TunegateError('training-set', `validation split must be at least 0 and below 1, got ${validationSplit}`);
  }
  if (!(maxTokensPerExample > 0)) {
    throw new TunegateError('training-set', `max tokens per example must be positive, got ${maxTokensPerExample}`);
  }
}

function tooFewError(total: number, filtered: Filtered<TrainingExample>, maxTokens: number): TunegateError {
  const left = filtered.kept.length;
  return new TunegateError(
    'training-set',
    `only ${left} training example${left === 1 ? '' : 's'} left of ${total} ` +
      `(${filtered.duplicates} duplicates, ${filtered.leaks.removed} leaking the eval set, ` +
      `${filtered.tooLong} over ${maxTokens} tokens); fine-tuning needs at least ${MIN_TRAINING_EXAMPLES} — ` +
      'add examples (more logs, eval results or `tunegate distill`)',
  );
}

/** Serializes lines and checks them against the format before anything is written (a guard against our own bugs). */
function jsonlText(lines: unknown[], kind: FineTuningFileKind, file: string): string {
  const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  const problems = validateChatFineTuningJsonl(text, kind);
  if (problems.length > 0) {
    const listed = problems.slice(0, 5).map((p) => `${file}:${p.line}: ${p.message}`);
    throw new TunegateError('internal', `internal: the ${kind} file to write is malformed:\n${listed.join('\n')}`, {
      exitCode: ExitCode.runtime,
    });
  }
  return text;
}

const chatLine = (messages: ChatMessage[]) => ({ messages });

/** Writes `text` to `path`, or removes a stale `path` from an earlier build when there is nothing to write. */
async function writeOrRemove(path: string, text: string | null): Promise<string | null> {
  if (text === null) {
    await rm(path, { force: true });
    return null;
  }
  await writeFile(path, text);
  return path;
}

/**
 * Builds the fine-tuning files in `outDir`: deduplicated, decontaminated against the eval set, within the
 * token limit, split train/validation stratified by label, with validation rows that leak a training row
 * dropped. Preference pairs go through the same filters (matched on their last user turn) and count in the same
 * report fields. The report is also written as training-set.json.
 * Fails with code `training-set` when fewer than 10 examples survive.
 */
export async function buildTrainingSet(
  examples: TrainingExample[],
  options: TrainingSetOptions,
): Promise<TrainingSetReport> {
  checkOptions(options);
  await loadTokenizer();
  const maxTokens = options.maxTokensPerExample;
  const evalIndex = leakIndex(options.evalInputs);

  const filtered = filterItems(
    examples,
    (example) => example.input,
    (example) => countMessageTokens(example.messages),
    evalIndex,
    maxTokens,
  );
  if (filtered.kept.length < MIN_TRAINING_EXAMPLES) throw tooFewError(examples.length, filtered, maxTokens);
  const pairs = filterItems(
    options.preference ?? [],
    lastUserContent,
    preferenceTokens,
    evalIndex,
    maxTokens,
    filtered.leaks,
  );

  const { train, validation: drawn } = stratifiedSplit(
    filtered.kept,
    (example) => example.label,
    options.validationSplit,
    options.seed ?? 1,
  );
  const { kept: validation, leaks: validationLeaks } = withoutLeaks(drawn, train);

  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const trainText = jsonlText(
    train.map((example) => chatLine(example.messages)),
    'chat',
    TRAIN_FILE,
  );
  const validationText =
    validation.length > 0
      ? jsonlText(
          validation.map((example) => chatLine(example.messages)),
          'chat',
          VALIDATION_FILE,
        )
      : null;
  const preferenceText = pairs.kept.length > 0 ? jsonlText(pairs.kept, 'preference', PREFERENCE_FILE) : null;

  const trainPath = join(outDir, TRAIN_FILE);
  await writeFile(trainPath, trainText);
  const validationPath = await writeOrRemove(join(outDir, VALIDATION_FILE), validationText);
  const preferencePath = await writeOrRemove(join(outDir, PREFERENCE_FILE), preferenceText);

  const report: TrainingSetReport = {
    examples: train.length + validation.length,
    train: train.length,
    validation: validation.length,
    preference_pairs: pairs.kept.length,
    decontaminated: filtered.leaks.removed,
    decontamination: { eval: filtered.leaks, validation: validationLeaks },
    duplicates_removed: filtered.duplicates + pairs.duplicates,
    too_long: filtered.tooLong + pairs.tooLong,
    training_tokens_per_epoch: train.reduce((sum, example) => sum + countMessageTokens(example.messages), 0),
    files: { train: trainPath, validation: validationPath, preference: preferencePath },
  };
  await writeFile(join(outDir, TRAINING_SET_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/**
 * The validation rows that leak no training row (by the eval-set rules): a validation row close to a training
 * row measures memory, not generalisation. Validation rows go rather than training rows, which are scarcer.
 */
function withoutLeaks(
  validation: TrainingExample[],
  train: TrainingExample[],
): { kept: TrainingExample[]; leaks: LeakCounts } {
  const index = leakIndex(train.map((example) => example.input));
  const leaks = emptyLeakCounts();
  const kept = validation.filter((example) => {
    const leak = index.find(example.input);
    if (leak) countLeak(leaks, example.input, leak);
    return leak === undefined;
  });
  return { kept, leaks };
}

/** The files of a training set built earlier in `dir` (validation and preference only when they were written). */
export function trainingSetFiles(dir: string): TrainingSetReport['files'] {
  const present = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : null);
  return { train: join(dir, TRAIN_FILE), validation: present(VALIDATION_FILE), preference: present(PREFERENCE_FILE) };
}
