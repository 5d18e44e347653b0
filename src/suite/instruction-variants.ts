/**
 * The instruction rewordings file a suite names (`fragility.instructions`): other wordings of a variant's
 * system prompt that ask for the same thing, written by the user or generated once by the teacher
 * (src/fragility/instructions.ts) and read back from that file afterwards.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { TunegateError } from '../errors.js';
import { parseJson } from './json-text.js';

export type InstructionParse =
  | { ok: true; variants: string[] }
  | { ok: false; line: number; col: number; message: string };

const SEPARATOR = /^-{3,}[ \t]*\r?$/m;

/** Trimmed, non-empty, each once. */
export function cleanVariants(items: readonly string[]): string[] {
  return [...new Set(items.map((item) => item.trim()).filter((item) => item !== ''))];
}

function fromYaml(text: string): InstructionParse {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const at = (offset: number) => lineCounter.linePos(offset);
  const [error] = document.errors;
  if (error) return { ok: false, ...at(error.pos[0]), message: `invalid YAML: ${error.message.split('\n')[0]}` };
  const list = document.contents;
  if (!isSeq(list)) return { ok: false, line: 1, col: 1, message: 'must be a YAML list of rewordings (- "…")' };
  for (const item of list.items) {
    if (!isScalar(item) || typeof item.value !== 'string') {
      const offset = isNode(item) ? (item.range?.[0] ?? 0) : 0;
      return { ok: false, ...at(offset), message: 'each rewording must be text (quote it, or use a | block)' };
    }
  }
  return { ok: true, variants: cleanVariants(list.toJSON() as string[]) };
}

function fromJson(text: string): InstructionParse {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value) || !parsed.value.every((item) => typeof item === 'string')) {
    return { ok: false, line: 1, col: 1, message: 'must be a JSON array of strings, one rewording each' };
  }
  return { ok: true, variants: cleanVariants(parsed.value) };
}

/** Plain text: rewordings separated by `---` lines; without any, one rewording per non-blank line. */
function fromText(text: string): InstructionParse {
  const blocks = SEPARATOR.test(text) ? text.split(SEPARATOR) : text.split('\n');
  return { ok: true, variants: cleanVariants(blocks) };
}

/** Parses a rewordings file's text by its extension (.yaml/.yml, .json, anything else as text). */
export function parseInstructionVariants(text: string, file: string): InstructionParse {
  const extension = path.extname(file).toLowerCase();
  const parsed =
    extension === '.yaml' || extension === '.yml'
      ? fromYaml(text)
      : extension === '.json'
        ? fromJson(text)
        : fromText(text);
  if (parsed.ok && parsed.variants.length === 0) {
    return {
      ok: false,
      line: 1,
      col: 1,
      message: 'lists no rewordings; write at least one rewording of the system prompt',
    };
  }
  return parsed;
}

/** Reads a rewordings file; a bad file is a config error located at file:line:col. */
export async function loadInstructionVariants(file: string): Promise<string[]> {
  const parsed = parseInstructionVariants(await readFile(file, 'utf8'), file);
  if (parsed.ok) return parsed.variants;
  const problem = { file, line: parsed.line, col: parsed.col, code: 'instructions', message: parsed.message };
  throw new TunegateError('config', `${file}:${parsed.line}:${parsed.col} ${parsed.message}`, {
    problems: [problem],
  });
}
