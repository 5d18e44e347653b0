import type { ChatMessage } from '../providers/types.js';

/** How many seed inputs each generation request shows the teacher. */
export const SEEDS_PER_PROMPT = 5;

/**
 * The request for new inputs. The closing sentence is fixed wording ("Return a JSON array of N new inputs.")
 * so a simulator can recognise the request; everything else comes before it.
 */
export function generationMessages(task: string, seedInputs: string[], batch: number): ChatMessage[] {
  const user = [
    'Here are some example inputs (a JSON array):',
    JSON.stringify(seedInputs, null, 2),
    'Write new inputs that differ from these and from each other in wording, length and intent, as real users would.',
    'Write every input from scratch: do not copy, quote, extend, reorder or lightly edit the examples above, and do ' +
      'not reproduce inputs from any published test set for this task (the new inputs train a model that is then ' +
      'tested on held-out inputs, and a copied input would spoil that test).',
    `Return a JSON array of ${batch} new inputs.`,
  ].join('\n\n');
  return [
    { role: 'system', content: `You write realistic, diverse user inputs for this task: ${task}` },
    { role: 'user', content: user },
  ];
}

/** The JSON text inside a reply: a ```json fenced block when there is one, else from the first `[` to the last `]`. */
function jsonPart(reply: string): string {
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(reply);
  const text = fenced ? (fenced[1] as string) : reply;
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text;
}

/**
 * The inputs in a teacher's reply: a JSON array of strings (objects with a string `input` are taken too).
 * Returns null when the reply holds no JSON array; blank items are skipped.
 */
export function parseGeneratedInputs(reply: string): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(jsonPart(reply));
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const inputs: string[] = [];
  for (const item of value) {
    const text =
      typeof item === 'string'
        ? item
        : typeof item === 'object' && item !== null && typeof (item as { input?: unknown }).input === 'string'
          ? (item as { input: string }).input
          : undefined;
    if (text !== undefined && text.trim() !== '') inputs.push(text.trim());
  }
  return inputs;
}
