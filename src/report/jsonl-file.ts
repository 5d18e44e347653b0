import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Problem, TunegateError } from '../errors.js';
import { parseJson } from '../suite/json-text.js';

/**
 * Streams a JSON Lines file (a 100k-case run's cases.jsonl never sits in memory whole), handing each parsed
 * non-blank line to `visit`. `visit` returns a message for a line of the wrong shape. Every bad line is
 * collected, then one TunegateError lists them all as `file:line:col message`.
 */
export async function readJsonlFile(
  path: string,
  visit: (value: unknown, line: number) => string | undefined,
  errorCode: string,
): Promise<void> {
  const problems: Problem[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new TunegateError('missing-file', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === '') continue;
    const parsed = parseJson(text);
    if (!parsed.ok) {
      problems.push({ file: path, line, col: parsed.col, message: parsed.message, code: errorCode });
      continue;
    }
    const wrongShape = visit(parsed.value, line);
    if (wrongShape !== undefined) problems.push({ file: path, line, col: 1, message: wrongShape, code: errorCode });
  }
  if (problems.length > 0) {
    const listed = problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`).join('\n');
    const count = problems.length === 1 ? '1 bad line' : `${problems.length} bad lines`;
    throw new TunegateError(errorCode, `${count} in ${path}; fix them and run again:\n${listed}`, { problems });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
