import { hash32, key, unitHash } from '../hash.js';
import { countTokens } from '../providers/tokens.js';
import type { SimCase } from './config.js';
import { type InputMatch, PerturbedInputIndex } from './input-match.js';

/** What a simulated model says for every case of the dataset, computed once per model. */
export interface ModelAnswers {
  text: string[];
  correct: boolean[];
  /** Completion tokens of answer `index`, counted on first use (most runs ask for few cases). */
  completionTokens(index: number): number;
}

export const UNKNOWN_INPUT_ANSWER = 'The simulator has no case matching this input.';

function answerText(expected: unknown): string {
  return typeof expected === 'string' ? expected : JSON.stringify(expected);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Picks a value from `pool` that differs from `current` (compared as JSON), deterministically. */
function pickOther(pool: readonly unknown[], current: unknown, pick: number): unknown {
  const currentJson = JSON.stringify(current);
  const others = pool.filter((value) => JSON.stringify(value) !== currentJson);
  return others.length > 0 ? others[pick % others.length] : undefined;
}

function perturb(value: unknown): unknown {
  if (typeof value === 'string') return `${value} (altered)`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return value.length > 0 ? value.slice(0, -1) : ['altered'];
  if (value === null) return 'altered';
  return null;
}

/** Where a message may hold the input: whole, after its first ": ", then each line and each line after ": ". */
function* candidateTexts(message: string): Generator<string> {
  yield message;
  const afterLabel = textAfterLabel(message);
  if (afterLabel !== undefined) yield afterLabel;
  if (!message.includes('\n')) return;
  const lines = message.split('\n');
  yield* lines;
  for (const line of lines) {
    const after = textAfterLabel(line);
    if (after !== undefined) yield after;
  }
}

function textAfterLabel(text: string): string | undefined {
  const colon = text.indexOf(': ');
  return colon < 0 ? undefined : text.slice(colon + 2);
}

/**
 * The dataset indexed for answering: O(1) lookup by input, and per-model answers where exactly
 * round(accuracy × N) cases (chosen by a seeded ranking) are answered correctly.
 */
export class AnswerBook {
  private readonly cases: SimCase[] = [];
  private readonly byInput = new Map<string, number>();
  /** Distinct non-object answers: wrong labels are drawn from these. */
  private readonly labels: string[];
  /** For object answers: the distinct values seen per field. */
  private readonly fieldValues = new Map<string, unknown[]>();
  private readonly perModel = new Map<string, ModelAnswers>();
  /** Built on the first input that is not found exactly (most runs never need it). */
  private perturbedIndex: PerturbedInputIndex | undefined;

  /** Cases from index `evaluated` on are teacher sources: counted apart, so the evaluated ones stay exact. */
  private readonly evaluated: number;

  constructor(
    cases: readonly SimCase[],
    private readonly seed: number,
    /** Weight of the case's own difficulty (shared by all models) in deciding what a model gets right. */
    private readonly sharedDifficulty = 0,
    teacherSources: readonly SimCase[] = [],
  ) {
    const labels = new Set<string>();
    const seenFieldValues = new Map<string, Set<string>>();
    const add = (item: SimCase) => {
      const input = item.input.trim();
      // A repeated input keeps its first answer, so every lookup of it behaves the same.
      if (this.byInput.has(input)) return;
      this.byInput.set(input, this.cases.length);
      this.cases.push(item);
      if (!isPlainObject(item.expected)) {
        labels.add(answerText(item.expected));
        return;
      }
      for (const [field, value] of Object.entries(item.expected)) {
        const seen = seenFieldValues.get(field) ?? new Set<string>();
        const json = JSON.stringify(value);
        if (!seen.has(json)) {
          seen.add(json);
          const values = this.fieldValues.get(field) ?? [];
          values.push(value);
          this.fieldValues.set(field, values);
        }
        seenFieldValues.set(field, seen);
      }
    };
    for (const item of cases) add(item);
    this.evaluated = this.cases.length;
    for (const item of teacherSources) add(item);
    this.labels = [...labels];
  }

  /** Indices the simulated teacher rewords: the teacher sources, or every case when there are none. */
  get teacherSourceIndices(): number[] {
    const from = this.evaluated < this.cases.length ? this.evaluated : 0;
    return Array.from({ length: this.cases.length - from }, (_, i) => from + i);
  }

  get size(): number {
    return this.cases.length;
  }

  /**
   * The case a user message asks about, or -1. Tries the whole message, the text after its first
   * ": " (templates like "Message: {{input}}"), then each line and each line's text after ": ".
   */
  find(message: string): number {
    return this.findExact(message)?.index ?? -1;
  }

  /** The case a message asks about and the input text it matched exactly (trimmed), as `find` looks. */
  findExact(message: string): { index: number; input: string } | undefined {
    for (const candidate of candidateTexts(message)) {
      const input = candidate.trim();
      const index = this.byInput.get(input);
      if (index !== undefined) return { index, input };
    }
    return undefined;
  }

  /**
   * The case a message asks about when no input matches exactly, and how its input was perturbed: up to
   * case, whitespace, punctuation and filler first, then within a few typos (see input-match.ts).
   */
  findPerturbed(message: string): InputMatch | undefined {
    const index = this.inputIndex();
    const candidates = [...candidateTexts(message)];
    for (const candidate of candidates) {
      const found = index.canonicalMatch(candidate);
      if (found) return found;
    }
    for (const candidate of candidates) {
      const found = index.typoMatch(candidate);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Makes `input` ask about case `index` too (a generated rewording answers like its source). An input
   * already known keeps its case. Returns whether the alias was added.
   */
  addAlias(input: string, index: number): boolean {
    const text = input.trim();
    if (index < 0 || index >= this.cases.length || this.byInput.has(text)) return false;
    this.byInput.set(text, index);
    this.perturbedIndex?.add(text, index);
    return true;
  }

  inputOf(index: number): string {
    return this.cases[index]?.input ?? '';
  }

  /** Answers of `modelName` for every case; computed on first use and kept. */
  answersFor(modelName: string, accuracy: number): ModelAnswers {
    const known = this.perModel.get(modelName);
    if (known) return known;
    const answers = this.computeAnswers(modelName, accuracy);
    this.perModel.set(modelName, answers);
    return answers;
  }

  /**
   * What `modelName` says instead of `base` for case `index` when a perturbation changes its answer: a
   * wrong answer that differs from `base` (`salt` varies it per request), so a correct case turns wrong
   * and a wrong one turns differently wrong.
   */
  flippedAnswer(modelName: string, index: number, base: string, salt: number): string {
    const item = this.cases[index];
    if (item === undefined) return base;
    const expected = answerText(item.expected);
    for (let attempt = 0; attempt < 8; attempt++) {
      const other = this.wrongAnswer(modelName, item, `${salt}:${attempt}`);
      if (other !== base && other !== expected) return other;
    }
    return `${base} (changed)`;
  }

  private inputIndex(): PerturbedInputIndex {
    if (this.perturbedIndex === undefined) {
      const index = new PerturbedInputIndex();
      for (const [input, caseIndex] of this.byInput) index.add(input, caseIndex);
      this.perturbedIndex = index;
    }
    return this.perturbedIndex;
  }

  private computeAnswers(modelName: string, accuracy: number): ModelAnswers {
    const n = this.cases.length;
    const correct = new Array<boolean>(n).fill(false);
    // Exactly round(accuracy × N) right in each group: the evaluated cases, then the teacher sources.
    for (const [from, to] of [
      [0, this.evaluated],
      [this.evaluated, n],
    ] as const) {
      this.markCorrect(modelName, accuracy, from, to, correct);
    }
    const text = this.cases.map((item, index) =>
      correct[index] ? answerText(item.expected) : this.wrongAnswer(modelName, item),
    );
    const tokens = new Int32Array(n).fill(-1);
    const completionTokens = (index: number) => {
      if ((tokens[index] ?? 0) < 0) tokens[index] = countTokens(text[index] ?? '');
      return tokens[index] ?? 0;
    };
    return { text, correct, completionTokens };
  }

  private markCorrect(modelName: string, accuracy: number, from: number, to: number, correct: boolean[]): void {
    const correctCount = Math.round(Math.min(1, Math.max(0, accuracy)) * (to - from));
    const shared = this.sharedDifficulty;
    const ranks = this.cases
      .slice(from, to)
      .map((item, offset) => ({
        index: from + offset,
        rank:
          shared * unitHash(this.seed, key('difficulty', item.input)) +
          (1 - shared) * unitHash(this.seed, key('correct', modelName, item.input)),
      }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index);
    for (let i = 0; i < correctCount; i++) correct[ranks[i]?.index ?? 0] = true;
  }

  /** A deterministic answer that differs from the expected one. */
  private wrongAnswer(modelName: string, item: SimCase, salt?: string): string {
    const parts = salt === undefined ? [] : [salt];
    const pick = hash32(this.seed, key('wrong', modelName, item.input, ...parts));
    const expected = item.expected;
    if (!isPlainObject(expected)) {
      const other = pickOther(this.labels, answerText(expected), pick);
      return other === undefined ? `not ${answerText(expected)}` : String(other);
    }
    const fields = Object.keys(expected);
    const field = fields[pick % Math.max(fields.length, 1)];
    if (field === undefined) return JSON.stringify({ unexpected: true });
    const current = expected[field];
    const other = pickOther(this.fieldValues.get(field) ?? [], current, pick >>> 8);
    return JSON.stringify({ ...expected, [field]: other === undefined ? perturb(current) : other });
  }
}
