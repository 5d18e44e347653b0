/** JSON parsing that reports where it failed, for `file:line:col` messages. */

export type JsonParse = { ok: true; value: unknown } | { ok: false; line: number; col: number; message: string };

function positionToLineCol(text: string, position: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: position - lineStart + 1 };
}

/** JSON.parse's reviver with the source text of primitive values (Node 22+: "JSON.parse source text access"). */
type SourceReviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** Parses `text`; on failure, the 1-based line and column (relative to `text`) and V8's reason. */
export function parseJson(text: string, reviver?: SourceReviver): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]) };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const lineCol = /\(line (\d+) column (\d+)\)/.exec(raw);
    const position = /at position (\d+)/.exec(raw);
    const where = lineCol
      ? { line: Number(lineCol[1]), col: Number(lineCol[2]) }
      : positionToLineCol(text, position ? Number(position[1]) : text.length);
    const reason = raw.replace(/,? ?(in JSON )?at position \d+.*$/, '').replace(/ in JSON$/, '');
    return { ok: false, ...where, message: `invalid JSON: ${reason}` };
  }
}

/** Non-blank lines of a JSON Lines text with their 1-based line numbers. */
export function* jsonLines(text: string): Generator<{ line: number; text: string }> {
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') yield { line: index + 1, text: line };
  }
}

/**
 * A number as the file wrote it: `1.0`, `0.10`, `1e3` or a 21-digit integer keeps its text (a
 * string), because String() of the parsed value would differ and a gold answer is compared as text.
 * A number whose text String() gives back (`42`, `0.5`) stays a number.
 */
export function numberAsWritten(value: number, source: string): number | string {
  return String(value) === source ? value : source;
}

/**
 * Parses one JSON object row, its top-level numbers kept as written (see numberAsWritten). Numbers
 * nested in objects and arrays stay numbers: they are compared as JSON values, where 1.0 equals 1.
 */
export function parseJsonRow(text: string): JsonParse {
  // Members are revived before their holder is known as the result: note each number's text by holder.
  const written = new WeakMap<object, Map<string, string>>();
  const parsed = parseJson(text, function (this: unknown, key, value, context) {
    if (typeof value === 'number' && context?.source !== undefined && typeof this === 'object' && this !== null) {
      const byKey = written.get(this) ?? new Map<string, string>();
      written.set(this, byKey.set(key, context.source));
    }
    return value;
  });
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return parsed;
  const fields = parsed.value as Record<string, unknown>;
  for (const [key, source] of written.get(fields) ?? []) fields[key] = numberAsWritten(fields[key] as number, source);
  return parsed;
}
