import { templateFields } from '../engine/template.js';
import type { ChatMessage } from '../providers/types.js';
import type { PromptFamily } from '../suite/fragility-families.js';
import type { SimPrompt } from './config-fragility.js';

const TURN = '\u0000';
const PAIR = '\u0001';

interface KnownPrompt {
  system: string | undefined;
  /** The few-shot turns in order, joined. */
  turns: string;
  /** The few-shot (user, assistant) pairs in any order: sorted, joined. */
  pairs: string;
  /** Its system prompt's words sorted, and its line count: a reordered label list keeps both. */
  words: string | undefined;
  lines: number;
}

function sortedPairs(turns: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < turns.length; i += 2) pairs.push(turns.slice(i, i + 2).join(TURN));
  return pairs.sort().join(PAIR);
}

function sortedWords(text: string): string {
  return text
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((word) => word !== '')
    .sort()
    .join(' ');
}

const lineCount = (text: string) => text.split('\n').length;

function known(prompt: SimPrompt): KnownPrompt {
  const turns = (prompt.examples ?? []).flatMap(({ user, assistant }) => [
    `user${TURN}${user}`,
    `assistant${TURN}${assistant}`,
  ]);
  const system = prompt.system === '' ? undefined : prompt.system;
  return {
    system,
    turns: turns.join(PAIR),
    pairs: sortedPairs(turns),
    words: system === undefined ? undefined : sortedWords(system),
    lines: system === undefined ? 0 : lineCount(system),
  };
}

/** The request's system prompt (the first, if any) and the turns before its last user message, systems left out. */
function promptOf(messages: readonly ChatMessage[]): { system: string | undefined; turns: string[] } {
  let last = messages.length - 1;
  while (last >= 0 && messages[last]?.role !== 'user') last--;
  const system = messages.find((message) => message.role === 'system')?.content;
  const turns = messages
    .slice(0, Math.max(last, 0))
    .filter((message) => message.role !== 'system')
    .map((message) => `${message.role}${TURN}${message.content}`);
  return { system: system === '' ? undefined : system, turns };
}

/**
 * The prompts the suite's variants send, to tell which prompt perturbation a request carries. It judges
 * only by what a real API would see (the messages), against the prompts it was configured with.
 */
export class KnownPrompts {
  private readonly prompts: KnownPrompt[];
  /** Templates that read only `{{input}}`: the simulator can render them for any case. */
  readonly inputTemplates: string[];

  constructor(prompts: readonly SimPrompt[]) {
    this.prompts = prompts.map(known);
    const templates = prompts.flatMap((prompt) => (prompt.template === undefined ? [] : [prompt.template]));
    this.inputTemplates = [...new Set(templates)].filter((template) =>
      templateFields(template).every((field) => field === 'input'),
    );
  }

  /**
   * The prompt family that turned a known prompt into this request's, or null (a known prompt, none
   * configured, or a prompt unlike any known one). Few-shot turns in another order → `examples_order`;
   * the same turns under a system prompt with the same words and lines in another order → `label_order`;
   * under a system prompt no variant uses → `instruction`.
   */
  family(messages: readonly ChatMessage[]): PromptFamily | null {
    if (this.prompts.length === 0) return null;
    const { system, turns } = promptOf(messages);
    const turnsKey = turns.join(PAIR);
    const sameSystem = this.prompts.filter((prompt) => prompt.system === system);
    if (sameSystem.some((prompt) => prompt.turns === turnsKey)) return null;
    const pairs = sortedPairs(turns);
    if (sameSystem.some((prompt) => prompt.pairs === pairs)) return 'examples_order';
    const sameTurns = this.prompts.filter((prompt) => prompt.turns === turnsKey);
    if (system === undefined || sameTurns.length === 0 || sameSystem.length > 0) return null;
    const words = sortedWords(system);
    const lines = lineCount(system);
    if (sameTurns.some((prompt) => prompt.words === words && prompt.lines === lines)) return 'label_order';
    return 'instruction';
  }
}
