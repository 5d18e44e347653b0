import type { Case } from './types.js';

/**
 * The cases of a suite as a re-iterable source: how many there are, and each in order, every time in the
 * same order. A file-backed source reads its file again on each iteration, so a run never holds every case.
 */
export interface CaseSource extends Iterable<Case> {
  readonly length: number;
}

/** Cases already in memory (inline datasets, tests) behind the CaseSource interface. */
export function caseList(cases: readonly Case[]): CaseSource {
  return { length: cases.length, [Symbol.iterator]: () => cases[Symbol.iterator]() };
}

/** The first case of a source, or undefined when it has none. */
export function firstCase(source: CaseSource): Case | undefined {
  for (const testCase of source) return testCase;
  return undefined;
}

/** Every case id of a source, in order (for the few consumers that need them all, e.g. the history). */
export function caseIdsOf(source: CaseSource): string[] {
  const ids: string[] = [];
  for (const testCase of source) ids.push(testCase.id);
  return ids;
}

/**
 * The cases `keep` accepts, indexed anew by their position in the result (a case's index is its position in
 * the list a run evaluates). Lazy: the base source is read once to count, then once per iteration.
 */
export function filterCases(source: CaseSource, keep: (testCase: Case) => boolean): CaseSource {
  let length = 0;
  for (const testCase of source) if (keep(testCase)) length += 1;
  return {
    length,
    *[Symbol.iterator]() {
      let index = 0;
      for (const testCase of source) {
        if (!keep(testCase)) continue;
        yield testCase.index === index ? testCase : { ...testCase, index };
        index += 1;
      }
    },
  };
}

/** The cases at positions from..to−1 of a source, their indexes kept (an array is sliced; a file is walked). */
export function sliceCases(source: CaseSource, from: number, to: number = source.length): CaseSource {
  if (Array.isArray(source)) return (source as Case[]).slice(from, to);
  const end = Math.min(to, source.length);
  return {
    length: Math.max(0, end - from),
    *[Symbol.iterator]() {
      let position = 0;
      for (const testCase of source) {
        if (position >= end) return;
        if (position >= from) yield testCase;
        position += 1;
      }
    },
  };
}
