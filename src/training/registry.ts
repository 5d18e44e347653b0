import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  stringify,
  type YAMLMap,
} from 'yaml';
import { TunegateError } from '../errors.js';
import { readTextIfExists } from '../read-if-exists.js';
import { replaceFile } from '../replace-file.js';
import { parseJson } from '../suite/json-text.js';

/**
 * The model registry: the YAML or JSON file the application reads its model id from. A key is a
 * dotted path (`models.intent_router`); updates change only that value and keep everything else —
 * comments, quoting, order, indentation — as it was.
 */

export interface RegistryUpdate {
  before: string | undefined;
  after: string;
  /** The whole new file. */
  text: string;
}

const CODE = 'registry';

function isJsonFile(file: string): boolean {
  return path.extname(file).toLowerCase() === '.json';
}

function keyPath(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((part) => part === '')) {
    throw new TunegateError(CODE, `registry key "${key}" has an empty part; write it like models.intent_router`);
  }
  return parts;
}

/** The registry file's text, or undefined when it does not exist. */
export async function readRegistryText(file: string): Promise<string | undefined> {
  try {
    return await readTextIfExists(file);
  } catch (error) {
    throw new TunegateError(CODE, `cannot read the registry ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The model id stored under `key`, or undefined when the file or the key does not exist. */
export async function readRegistryModel(file: string, key: string): Promise<string | undefined> {
  const text = await readRegistryText(file);
  if (text === undefined) return undefined;
  return isJsonFile(file) ? readJson(file, text, keyPath(key)) : readYaml(file, text, keyPath(key));
}

/** The new file text with `key` set to `model` (`text` undefined: the file does not exist yet). Writes nothing. */
export function renderRegistryUpdate(
  file: string,
  text: string | undefined,
  key: string,
  model: string,
): RegistryUpdate {
  const parts = keyPath(key);
  if (isJsonFile(file)) {
    const before = text === undefined ? undefined : readJson(file, text, parts);
    return { before, after: model, text: updateJson(file, text, parts, model) };
  }
  const before = text === undefined ? undefined : readYaml(file, text, parts);
  return { before, after: model, text: updateYaml(file, text ?? '', parts, model) };
}

/** Sets `key` to `model` in the registry file (created when missing), atomically. */
export async function updateRegistry(file: string, key: string, model: string): Promise<RegistryUpdate> {
  const update = renderRegistryUpdate(file, await readRegistryText(file), key, model);
  await writeRegistryText(file, update.text);
  return update;
}

/** Replaces the file atomically (temp file + rename): the application never reads half a registry. */
export async function writeRegistryText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFile(file, text);
}

// ---- YAML ----

function parseYaml(file: string, text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new TunegateError(CODE, `${file}:${line}:${col} invalid YAML: ${reason}`, {
      problems: [{ file, line, col, message: `invalid YAML: ${reason}`, code: 'yaml' }],
    });
  }
  return doc;
}

function readYaml(file: string, text: string, parts: string[]): string | undefined {
  const doc = parseYaml(file, text);
  return modelValue(file, parts, doc.getIn(parts, true) as Node | undefined);
}

/** The plain value at a dotted path of a YAML text (a map as an object), or undefined when absent. */
export function readYamlValue(file: string, text: string, parts: string[]): unknown {
  const node = parseYaml(file, text).getIn(parts, true) as Node | undefined;
  return node === undefined ? undefined : node.toJSON();
}

function modelValue(file: string, parts: string[], node: unknown): string | undefined {
  const value = isScalar(node) ? node.value : node;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const what = isSeq(value) || Array.isArray(value) ? 'a list' : 'a map';
  throw new TunegateError(CODE, `${file}: ${parts.join('.')} holds ${what}, not a model id`);
}

function updateYaml(file: string, text: string, parts: string[], value: YamlValue): string {
  const doc = parseYaml(file, text);
  const spliced = spliceYaml(file, text, doc, parts, value);
  if (spliced !== undefined && splicedHolds(file, spliced, parts, value)) return spliced;
  // The in-place edit did not apply (a flow map, an empty file): let the Document API rewrite the file.
  return setWithDocument(file, doc, parts, value);
}

/** A model id, or (for a new suite variant) a map of plain values. */
type YamlValue = string | Record<string, unknown>;

/**
 * Sets the dotted path `parts` to `value` in a YAML text and returns the new text, keeping everything
 * else (comments, quoting, order) as it was: the registry's model, or a suite's new variant.
 */
export function renderYamlSet(file: string, text: string, parts: string[], value: YamlValue): string {
  return updateYaml(file, text, parts, value);
}

/** The safety net under the in-place edit: the new text must parse and hold the value under the key. */
function splicedHolds(file: string, text: string, parts: string[], value: YamlValue): boolean {
  try {
    if (typeof value === 'string') return readYaml(file, text, parts) === value;
    const held = parseYaml(file, text).getIn(parts, true) as Node | undefined;
    return JSON.stringify(held?.toJSON()) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function setWithDocument(
  file: string,
  doc: ReturnType<typeof parseDocument>,
  parts: string[],
  model: YamlValue,
): string {
  for (let depth = 1; depth < parts.length; depth++) {
    const prefix = parts.slice(0, depth);
    const node = doc.getIn(prefix, true);
    // `models:` with no value yet: the empty value becomes the map that holds the key.
    if (isScalar(node) && node.value === null) {
      doc.setIn(prefix, nested(parts.slice(depth), model));
      return doc.toString({ lineWidth: 0 });
    }
  }
  try {
    doc.setIn(parts, model);
  } catch (error) {
    throw new TunegateError(CODE, `${file}: cannot set ${parts.join('.')}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return doc.toString({ lineWidth: 0 });
}

/** Edits the text in place: replaces the existing value, or appends the missing keys to the deepest map. */
function spliceYaml(
  file: string,
  text: string,
  doc: ReturnType<typeof parseDocument>,
  parts: string[],
  model: YamlValue,
): string | undefined {
  const existing = doc.getIn(parts, true);
  if (existing !== undefined) {
    if (typeof model !== 'string' || !isScalar(existing) || !existing.range) return undefined;
    modelValue(file, parts, existing);
    const rendered = yamlScalar(existing, model);
    if (rendered === undefined) return undefined;
    const [start, end] = existing.range;
    // An empty value (`key:`) has no text of its own: keep a space after the colon.
    const gap = start === end && text[start - 1] === ':' ? ' ' : '';
    return text.slice(0, start) + gap + rendered + text.slice(end);
  }
  let depth = 0;
  let map: unknown = doc.contents;
  while (depth < parts.length - 1) {
    const next = isMap(map) ? map.get(parts[depth], true) : undefined;
    if (next === undefined) break;
    if (isScalar(next) && next.value === null) return undefined;
    if (!isMap(next)) {
      throw new TunegateError(
        CODE,
        `${file}: ${parts.slice(0, depth + 1).join('.')} is not a map; cannot set ${parts.join('.')}`,
      );
    }
    map = next;
    depth++;
  }
  if (!isMap(map) || map.flow || map.items.length === 0 || !map.range) return undefined;
  return appendToMap(text, map, nested(parts.slice(depth), model));
}

function yamlScalar(node: Scalar, model: string): string | undefined {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(model);
    case Scalar.QUOTE_SINGLE:
      return `'${model.replaceAll("'", "''")}'`;
    case Scalar.PLAIN:
      return stringify(model, { lineWidth: 0 }).trimEnd();
    default:
      return undefined;
  }
}

/** `['a', 'b']` and `m` → `{ a: { b: m } }`. */
function nested(parts: string[], model: YamlValue): Record<string, unknown> {
  return parts.reduceRight<unknown>((inner, part) => ({ [part]: inner }), model) as Record<string, unknown>;
}

function appendToMap(text: string, map: YAMLMap, addition: Record<string, unknown>): string | undefined {
  const firstKey = map.items[0]?.key as Node | undefined;
  const contentEnd = lastContentEnd(map);
  if (!firstKey?.range || contentEnd === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', firstKey.range[0] - 1) + 1;
  const indent = ' '.repeat(firstKey.range[0] - lineStart);
  const lines = stringify(addition, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => `${indent}${line}\n`)
    .join('');
  // After the line holding the map's last value (and any comment on it), before blank lines that follow.
  if (text[contentEnd - 1] === '\n') return text.slice(0, contentEnd) + lines + text.slice(contentEnd);
  const lineEnd = text.indexOf('\n', contentEnd);
  if (lineEnd === -1) return `${text}\n${lines}`;
  return text.slice(0, lineEnd + 1) + lines + text.slice(lineEnd + 1);
}

/** Where the last value of a collection ends in the text (nested collections followed down). */
function lastContentEnd(node: unknown): number | undefined {
  if (isMap(node) || isSeq(node)) {
    const last = node.items.at(-1);
    if (last === undefined) return (node as Node).range?.[1];
    if (isPair(last)) return lastContentEnd(last.value ?? last.key);
    return lastContentEnd(last);
  }
  return (node as Node | undefined)?.range?.[1];
}

// ---- JSON ----

function parseJsonRegistry(file: string, text: string): unknown {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new TunegateError(CODE, `${file}:${parsed.line}:${parsed.col} ${parsed.message}`, {
      problems: [{ file, line: parsed.line, col: parsed.col, message: parsed.message, code: 'json' }],
    });
  }
  return parsed.value;
}

function readJson(file: string, text: string, parts: string[]): string | undefined {
  let node: unknown = parseJsonRegistry(file, text);
  for (const part of parts) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return modelValue(file, parts, node);
}

function updateJson(file: string, text: string | undefined, parts: string[], model: string): string {
  const root = text === undefined ? {} : parseJsonRegistry(file, text);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new TunegateError(CODE, `${file}: the registry must be a JSON object to hold ${parts.join('.')}`);
  }
  let node = root as Record<string, unknown>;
  for (const [index, part] of parts.slice(0, -1).entries()) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new TunegateError(
        CODE,
        `${file}: ${parts.slice(0, index + 1).join('.')} is not an object; cannot set ${parts.join('.')}`,
      );
    }
    node = node[part] as Record<string, unknown>;
  }
  const last = parts.at(-1) as string;
  modelValue(file, parts, node[last]);
  node[last] = model;
  const indent = text === undefined ? 2 : (/\n([ \t]+)\S/.exec(text)?.[1] ?? '  ');
  const trailing = text === undefined || text.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify(root, null, indent)}${trailing}`;
}
