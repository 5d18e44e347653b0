import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { numberAsWritten } from './json-text.js';

/** Where a YAML node sits: 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

const start: Position = { line: 1, col: 1 };

/** A parsed suite document together with what is needed to turn nodes into positions. */
export interface SourceDoc {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export function positionOfOffset(source: SourceDoc, offset: number): Position {
  return source.lineCounter.linePos(offset);
}

function positionOf(source: SourceDoc, node: unknown): Position | undefined {
  if (!isNode(node) || !node.range) return undefined;
  return positionOfOffset(source, node.range[0]);
}

interface Step {
  key?: Node;
  value?: Node;
}

function follow(source: SourceDoc, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

function step(source: SourceDoc, parent: unknown, segment: string): Step | undefined {
  const collection = follow(source, parent);
  if (isMap(collection)) {
    for (const pair of collection.items) {
      if (!isPair(pair)) continue;
      const keyValue = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(keyValue) === segment) {
        return { key: isNode(pair.key) ? pair.key : undefined, value: isNode(pair.value) ? pair.value : undefined };
      }
    }
    return undefined;
  }
  if (isSeq(collection)) {
    const item = collection.items[Number(segment)];
    return isNode(item) ? { value: item } : undefined;
  }
  return undefined;
}

/**
 * The position of the value at `path` (or of its key with `at: 'key'`). When the path does not
 * exist in full, the deepest node that does exist is used, so a location is always returned.
 */
export function locatePath(source: SourceDoc, path: readonly string[], at: 'value' | 'key' = 'value'): Position {
  let current: unknown = source.doc.contents;
  let best = positionOf(source, current) ?? start;
  for (const [index, segment] of path.entries()) {
    const found = step(source, current, segment);
    if (!found) return best;
    const last = index === path.length - 1;
    const keyPosition = positionOf(source, found.key);
    const valuePosition = positionOf(source, found.value);
    if (last && at === 'key') return keyPosition ?? valuePosition ?? best;
    // A key with an empty value (`role:`) has no useful value position: point at the key.
    const emptyValue = isScalar(found.value) && found.value.value === null;
    best = (emptyValue ? keyPosition : valuePosition) ?? keyPosition ?? best;
    current = found.value;
  }
  return best;
}

/** Splits an ajv instancePath (a JSON Pointer) into its segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `variants.prompted.role`, `scoring[0].exact` — how a path is shown in messages. */
export function displayPath(path: readonly string[]): string {
  let shown = '';
  for (const segment of path) {
    if (/^\d+$/.test(segment)) shown += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) shown += shown === '' ? segment : `.${segment}`;
    else shown += `[${JSON.stringify(segment)}]`;
  }
  return shown;
}

function nodeAt(source: SourceDoc, path: readonly string[]): unknown {
  let current: unknown = source.doc.contents;
  for (const segment of path) current = step(source, current, segment)?.value;
  return follow(source, current);
}

/** The keys of the mapping at `path`, in file order (object key order would put "1", "2" first). */
export function keysInOrder(source: SourceDoc, path: readonly string[]): string[] {
  const collection = nodeAt(source, path);
  if (!isMap(collection)) return [];
  return collection.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
}

/**
 * The list of mappings at `path` (already converted to `rows`), each top-level number field as the
 * file wrote it: `expected: 1.0` stays "1.0" (see numberAsWritten).
 */
export function rowsAsWritten(
  source: SourceDoc,
  path: readonly string[],
  rows: Record<string, unknown>[],
): Record<string, unknown>[] {
  const list = nodeAt(source, path);
  if (!isSeq(list)) return rows;
  return rows.map((row, index) => {
    const item = follow(source, list.items[index]);
    if (!isMap(item)) return row;
    const copy = { ...row };
    for (const pair of item.items) {
      const value = pair.value;
      if (!isScalar(value) || typeof value.value !== 'number' || typeof value.source !== 'string') continue;
      copy[String(isScalar(pair.key) ? pair.key.value : pair.key)] = numberAsWritten(value.value, value.source);
    }
    return copy;
  });
}
