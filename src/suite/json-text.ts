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

/** Parses `text`; on failure, the 1-based line and column (relative to `text`) and V8's reason. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
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
