/**
 * Changes to the prompt that keep its instructions: the few-shot examples in another order, the
 * label list in another order. Deterministic per key; undefined when there is nothing to reorder.
 * Instruction rewordings are in instructions.ts.
 */
import { keyedRandom, type PerturbationKey, pick } from './keyed-random.js';

/** A seeded shuffle of `items` that differs from their order (by position), or undefined when none can. */
function reorder<T>(items: readonly T[], perturbation: PerturbationKey, purpose: string): number[] | undefined {
  if (items.length < 2) return undefined;
  const random = keyedRandom(perturbation, purpose);
  const order = items.map((_, index) => index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = pick(random, i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  // The identity drawn by chance (likely with 2–3 items): rotate by one instead.
  if (order.every((value, index) => value === index)) order.push(order.shift() as number);
  return order;
}

/** The few-shot examples in a different order; undefined for fewer than 2. */
export function permuteExamples<T>(examples: readonly T[], perturbation: PerturbationKey): T[] | undefined {
  const order = reorder(examples, perturbation, 'examples_order');
  return order?.map((index) => examples[index] as T);
}

/** Where each label sits in the prompt: [start, end) of its text, UTF-16 positions in `system`. */
type Spans = Array<{ start: number; end: number }>;

const BULLET = /^[ \t]*(?:[-*•+]|\(?\d+[.)])?[ \t]*/u;
/** After the label on its line: nothing, or a description (`label: …`, `label - …`, `label (…)`). */
const AFTER_LABEL = /^(?:[`'"]?[ \t]*(?:[:–—-][ \t]|\(|[,;.]?[ \t]*$))/u;

/** The longest run of consecutive lines that each start (after a bullet or number) with a label. */
function labelLines(system: string, byLength: readonly string[]): Spans {
  let best: Spans = [];
  let run: Spans = [];
  let offset = 0;
  for (const line of system.split('\n')) {
    const bullet = BULLET.exec(line)?.[0] ?? '';
    const quoted = /^[`'"]/.test(line.slice(bullet.length)) ? 1 : 0;
    const rest = line.slice(bullet.length + quoted);
    const label = byLength.find((l) => rest.startsWith(l) && AFTER_LABEL.test(rest.slice(l.length)));
    if (label === undefined) run = [];
    else {
      // The whole line after its bullet moves, so a label keeps its description.
      run.push({ start: offset + bullet.length, end: offset + line.replace(/[ \t\r]+$/, '').length });
      if (run.length > best.length) best = [...run];
    }
    offset += line.length + 1;
  }
  return best;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The comma-separated line naming the most labels: each label's first occurrence standing alone
 * (between separators, optionally quoted), longest labels first so `top up` never claims part of
 * `top up limits`.
 */
function labelLine(system: string, byLength: readonly string[]): Spans {
  let best: Spans = [];
  let offset = 0;
  for (const line of system.split('\n')) {
    if (line.includes(',')) {
      const spans: Spans = [];
      const taken = new Uint8Array(line.length);
      for (const label of byLength) {
        const alone = new RegExp(`(?<=^|[\\s,:;(\`'"])${escapeRegExp(label)}(?=$|[\\s,.;)\`'"])`, 'gu');
        const match = [...line.matchAll(alone)].find(
          (m) => !taken.subarray(m.index, m.index + label.length).some(Boolean),
        );
        if (!match) continue;
        taken.fill(1, match.index, match.index + label.length);
        spans.push({ start: offset + match.index, end: offset + match.index + label.length });
      }
      if (spans.length > best.length) best = spans.sort((a, b) => a.start - b.start);
    }
    offset += line.length + 1;
  }
  return best;
}

/**
 * The system prompt with its label list reordered in place: one label per line (bulleted, numbered or
 * bare; a `label: description` line moves whole, the numbers stay), or one comma-separated line holding
 * at least 80% of the labels. Undefined when the prompt has no such list.
 */
export function permuteLabelList(
  system: string,
  labels: readonly string[],
  perturbation: PerturbationKey,
): string | undefined {
  const unique = [...new Set(labels.filter((label) => label.trim() !== ''))];
  if (unique.length < 2) return undefined;
  const byLength = [...unique].sort((a, b) => b.length - a.length);
  const lines = labelLines(system, byLength);
  const line = labelLine(system, byLength);
  const needed = Math.max(2, Math.ceil(0.8 * unique.length));
  const byLines = lines.length >= 2 ? lines : [];
  const byComma = line.length >= needed ? line : [];
  const spans = byLines.length >= byComma.length ? byLines : byComma;
  const order = reorder(spans, perturbation, 'label_order');
  if (!order) return undefined;
  const texts = spans.map(({ start, end }) => system.slice(start, end));
  const parts: string[] = [];
  let last = 0;
  spans.forEach(({ start, end }, index) => {
    parts.push(system.slice(last, start), texts[order[index] as number] as string);
    last = end;
  });
  parts.push(system.slice(last));
  const permuted = parts.join('');
  return permuted === system ? undefined : permuted;
}
