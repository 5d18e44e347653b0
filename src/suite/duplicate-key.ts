import { isMap, isNode, isScalar, type Node, visit } from 'yaml';
import { positionOfOffset, type SourceDoc } from './locate.js';

const keyText = (key: unknown): string => String(isScalar(key) ? key.value : key);

/**
 * The message for a key written twice in one mapping (the YAML parser only says "Map keys must be
 * unique"): names the key and where it was first set. `offset` is where the parser saw the repeat.
 */
export function duplicateKeyMessage(source: SourceDoc, offset: number): string {
  let message: string | undefined;
  visit(source.doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const repeat = map.items.find((pair) => isNode(pair.key) && (pair.key as Node).range?.[0] === offset);
      if (!repeat) return undefined;
      const name = keyText(repeat.key);
      const first = map.items.find((pair) => pair !== repeat && keyText(pair.key) === name);
      const firstRange = isNode(first?.key) ? first.key.range : undefined;
      const where = firstRange ? positionOfOffset(source, firstRange[0]) : undefined;
      const firstAt = where ? ` (first set at ${where.line}:${where.col})` : '';
      message = `key ${JSON.stringify(name)} appears twice in the same mapping${firstAt}; keep one of them`;
      return visit.BREAK;
    },
  });
  return message ?? 'a key appears twice in the same mapping; keep one of them';
}
