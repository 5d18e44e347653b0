/**
 * A unified diff of two small texts (registry files): `---`/`+++` headers, then hunks with three
 * lines of context. Built on a longest-common-subsequence table, fine for files of a few hundred lines.
 */
export function unifiedDiff(file: string, before: string | undefined, after: string, context = 3): string {
  const a = splitLines(before ?? '');
  const b = splitLines(after);
  const ops = diffLines(a, b);
  if (ops.every((op) => op.kind === ' ')) return '';

  const header = [`--- ${before === undefined ? '/dev/null' : `a/${file}`}`, `+++ b/${file}`];
  const hunks: string[] = [];
  let index = 0;
  while (index < ops.length) {
    const firstChange = ops.findIndex((op, at) => at >= index && op.kind !== ' ');
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - context);
    let end = firstChange;
    // Extend the hunk while the next change is within 2 × context unchanged lines.
    for (let at = firstChange; at < ops.length; at++) {
      if (ops[at]?.kind !== ' ') end = at;
      else if (at - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const slice = ops.slice(start, stop);
    const first = ops[start] as LineOp;
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    hunks.push(
      `@@ -${range(first.oldLine, oldCount)} +${range(first.newLine, newCount)} @@`,
      ...slice.map((op) => `${op.kind}${op.text}`),
    );
    index = stop;
  }
  return `${[...header, ...hunks].join('\n')}\n`;
}

interface LineOp {
  kind: ' ' | '-' | '+';
  text: string;
  /** 1-based line in the old text at (or just before) this op; likewise in the new text. */
  oldLine: number;
  newLine: number;
}

function range(line: number, count: number): string {
  // Unified diffs name the line before an empty range.
  return count === 0 ? `${line - 1},0` : `${line},${count}`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): LineOp[] {
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as Uint32Array;
      const below = lcs[i + 1] as Uint32Array;
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const here = { oldLine: i + 1, newLine: j + 1 };
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] as string, ...here });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removals before additions, as diff prints them.
      ops.push({ kind: '-', text: a[i] as string, ...here });
      i++;
    } else {
      ops.push({ kind: '+', text: b[j] as string, ...here });
      j++;
    }
  }
  return ops;
}
