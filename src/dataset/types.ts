/** One evaluation case, identical for every variant of a suite. */
export interface Case {
  /** Stable id: the dataset's id field, or the 0-based row index as a string. */
  id: string;
  /** 0-based position in the (sampled) case list. */
  index: number;
  input: string;
  /** Gold answer: a string, or an object for extraction tasks. Strings are never coerced. */
  expected: unknown;
  /** Every field of the row, for templates (`{{field}}`). */
  fields: Record<string, unknown>;
  /** 1-based line of the row in its source file (CSV: the physical line the record starts on). */
  line: number;
}
