import type { ChatMessage } from '../../src/providers/types.js';

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** A keyboard neighbour of a lowercase letter on its QWERTY row (the letter itself when it has none). */
function neighbour(letter: string): string {
  for (const row of ROWS) {
    const at = row.indexOf(letter);
    if (at >= 0) return row[at + 1] ?? row[at - 1] ?? letter;
  }
  return letter;
}

/** `input` with the letters at `positions` replaced by a keyboard neighbour, as the typos family does. */
export function typo(input: string, positions: readonly number[]): string {
  const chars = [...input];
  for (const at of positions) {
    const char = chars[at] ?? '';
    const lower = char.toLowerCase();
    const swapped = neighbour(lower);
    chars[at] = char === lower ? swapped : swapped.toUpperCase();
  }
  return chars.join('');
}

/** Letter positions of `input` that are not the first letter of a word (where the typos family may act). */
export function innerLetters(input: string): number[] {
  const chars = [...input];
  return chars.flatMap((char, i) => (/[a-z]/i.test(char) && i > 0 && /[a-z]/i.test(chars[i - 1] ?? '') ? [i] : []));
}

export function user(content: string): ChatMessage[] {
  return [{ role: 'user', content }];
}

/** Seeded 0..1 numbers for tests (LCG): the same sequence every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

/** Trains a model on the simulator from `base` and returns its id. */
export async function trainOn(url: string, base: string): Promise<string> {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new File(['{"messages":[]}\n'.repeat(10)], 'train.jsonl'));
  const file = (await (await fetch(`${url}/files`, { method: 'POST', body: form })).json()) as { id: string };
  const created = await fetch(`${url}/fine_tuning/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: base, training_file: file.id }),
  });
  const { id } = (await created.json()) as { id: string };
  for (let poll = 0; poll < 10; poll++) {
    const job = (await (await fetch(`${url}/fine_tuning/jobs/${id}`)).json()) as { fine_tuned_model: string | null };
    if (job.fine_tuned_model !== null) return job.fine_tuned_model;
  }
  throw new Error('the simulated job did not finish');
}
