/**
 * The chat fine-tuning JSONL every backend receives, read as labelled texts: the last user message is
 * the input (as the server will see it at prediction time), the last assistant message the label.
 */
import { readFile } from 'node:fs/promises';
import { TunegateError } from '../../errors.js';
import type { LabelledText } from './train.js';

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

function lastContent(messages: ChatMessage[], role: string): string | undefined {
  for (let at = messages.length - 1; at >= 0; at--) {
    const message = messages[at] as ChatMessage;
    if (message.role === role && typeof message.content === 'string') return message.content;
  }
  return undefined;
}

export function parseChatExamples(text: string, file: string): LabelledText[] {
  const examples: LabelledText[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${file}:${index + 1}:1`;
    let value: { messages?: unknown };
    try {
      value = JSON.parse(line);
    } catch {
      throw new TunegateError(
        'training-file',
        `${where} not JSON; rebuild the training set with \`tunegate training-set\``,
      );
    }
    const messages = Array.isArray(value?.messages) ? (value.messages as ChatMessage[]) : [];
    const input = lastContent(messages, 'user');
    const label = lastContent(messages, 'assistant');
    if (input === undefined || label === undefined) {
      throw new TunegateError(
        'training-file',
        `${where} needs a user message (the input) and an assistant message (the label) for the local backend`,
      );
    }
    examples.push({ input, label });
  });
  return examples;
}

export async function readChatExamples(file: string): Promise<LabelledText[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TunegateError(
      'training-file',
      `${file}: training file not found; build it with \`tunegate training-set\``,
    );
  }
  return parseChatExamples(text, file);
}
