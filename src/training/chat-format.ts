/**
 * Checks for OpenAI's fine-tuning JSONL: chat (supervised) lines and DPO preference lines. Each check
 * returns every problem it finds, in words a person can act on, so a bad file is fixed in one pass.
 */

import { isRecord } from '../report/jsonl-file.js';
import { parseJson } from '../suite/json-text.js';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'weight', 'tool_calls', 'tool_call_id', 'function_call']);
const CHAT_LINE_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls']);
const PREFERENCE_LINE_KEYS = new Set(['input', 'preferred_output', 'non_preferred_output']);
const PREFERENCE_INPUT_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls']);

function unknownKeys(value: Record<string, unknown>, allowed: Set<string>, where: string): string[] {
  return Object.keys(value)
    .filter((key) => !allowed.has(key))
    .map((key) => `${where}: unknown key "${key}" (allowed: ${[...allowed].join(', ')})`);
}

function toolCallProblems(toolCalls: unknown, where: string): string[] {
  if (!Array.isArray(toolCalls) || toolCalls.length === 0) return [`${where}: "tool_calls" must be a non-empty array`];
  return toolCalls.flatMap((call, index) => {
    const at = `${where}.tool_calls[${index}]`;
    if (!isRecord(call)) return [`${at}: must be an object`];
    const fn = call.function;
    const problems: string[] = [];
    if (typeof call.id !== 'string') problems.push(`${at}: "id" must be a string`);
    if (call.type !== 'function') problems.push(`${at}: "type" must be "function"`);
    if (!isRecord(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
      problems.push(`${at}: "function" must be {"name": string, "arguments": string}`);
    }
    return problems;
  });
}

/** Problems of one chat message (`where` names it, e.g. `messages[2]`). */
function messageProblems(message: unknown, where: string): string[] {
  if (!isRecord(message)) return [`${where}: must be an object with "role" and "content"`];
  const problems = unknownKeys(message, MESSAGE_KEYS, where);
  const { role, content, weight, name } = message;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    problems.push(`${where}: "role" must be one of ${[...ROLES].join(', ')}, got ${JSON.stringify(role)}`);
  }
  const callsTools = message.tool_calls !== undefined || message.function_call !== undefined;
  if (message.tool_calls !== undefined) {
    if (role !== 'assistant') problems.push(`${where}: only assistant messages may carry "tool_calls"`);
    problems.push(...toolCallProblems(message.tool_calls, where));
  }
  if (typeof content !== 'string') {
    const allowedEmpty = role === 'assistant' && callsTools && (content === null || content === undefined);
    if (!allowedEmpty) {
      problems.push(
        `${where}: "content" must be a string${role === 'assistant' ? ' (null only with "tool_calls")' : ''}`,
      );
    }
  }
  if (weight !== undefined) {
    if (role !== 'assistant') problems.push(`${where}: "weight" is allowed only on assistant messages`);
    if (weight !== 0 && weight !== 1) problems.push(`${where}: "weight" must be 0 or 1, got ${JSON.stringify(weight)}`);
  }
  if (role === 'tool' && typeof message.tool_call_id !== 'string') {
    problems.push(`${where}: a tool message needs a string "tool_call_id"`);
  }
  if (name !== undefined && typeof name !== 'string') problems.push(`${where}: "name" must be a string`);
  return problems;
}

function toolsProblems(value: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  if (value.tools !== undefined && !Array.isArray(value.tools)) problems.push(`${where}"tools" must be an array`);
  if (value.parallel_tool_calls !== undefined && typeof value.parallel_tool_calls !== 'boolean') {
    problems.push(`${where}"parallel_tool_calls" must be true or false`);
  }
  return problems;
}

function messagesProblems(messages: unknown, where: string): string[] {
  if (!Array.isArray(messages) || messages.length === 0) return [`${where} must be a non-empty array`];
  return messages.flatMap((message, index) => messageProblems(message, `${where}[${index}]`));
}

/** Problems of one parsed line of a chat fine-tuning file; empty when the line is valid. */
export function validateChatFineTuningLine(value: unknown): string[] {
  if (!isRecord(value)) return ['each line must be a JSON object like {"messages": [...]}'];
  const problems = unknownKeys(value, CHAT_LINE_KEYS, 'line');
  if (value.messages === undefined) return [...problems, 'missing "messages"'];
  problems.push(...messagesProblems(value.messages, 'messages'), ...toolsProblems(value, ''));
  const messages = Array.isArray(value.messages) ? value.messages : [];
  if (messages.length > 0 && !messages.some((message) => isRecord(message) && message.role === 'assistant')) {
    problems.push('at least one assistant message is needed (it is what the model learns to write)');
  }
  return problems;
}

function outputProblems(output: unknown, key: string): string[] {
  if (!Array.isArray(output) || output.length !== 1) return [`"${key}" must be an array of exactly one message`];
  const problems = messageProblems(output[0], `${key}[0]`);
  if (isRecord(output[0]) && output[0].role !== 'assistant') problems.push(`${key}[0]: "role" must be "assistant"`);
  return problems;
}

/** Problems of one parsed line of a DPO (preference) fine-tuning file; empty when the line is valid. */
export function validatePreferenceLine(value: unknown): string[] {
  if (!isRecord(value)) {
    return [
      'each line must be a JSON object like {"input": {...}, "preferred_output": [...], "non_preferred_output": [...]}',
    ];
  }
  const problems = unknownKeys(value, PREFERENCE_LINE_KEYS, 'line');
  const { input } = value;
  if (!isRecord(input)) {
    problems.push('"input" must be an object with "messages"');
  } else {
    problems.push(
      ...unknownKeys(input, PREFERENCE_INPUT_KEYS, 'input'),
      ...messagesProblems(input.messages, 'input.messages'),
      ...toolsProblems(input, 'input.'),
    );
  }
  problems.push(
    ...outputProblems(value.preferred_output, 'preferred_output'),
    ...outputProblems(value.non_preferred_output, 'non_preferred_output'),
  );
  return problems;
}

export type FineTuningFileKind = 'chat' | 'preference';

/** Every problem of a fine-tuning JSONL text, by 1-based line. A final newline is fine; a blank line inside is not. */
export function validateChatFineTuningJsonl(
  text: string,
  kind: FineTuningFileKind = 'chat',
): { line: number; message: string }[] {
  const validateLine = kind === 'chat' ? validateChatFineTuningLine : validatePreferenceLine;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return [{ line: 1, message: 'the file has no examples' }];
  const problems: { line: number; message: string }[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') {
      problems.push({ line, message: 'blank line: every line must hold one example' });
      continue;
    }
    const parsed = parseJson(content);
    if (!parsed.ok) {
      problems.push({ line, message: `column ${parsed.col}: ${parsed.message}` });
      continue;
    }
    for (const message of validateLine(parsed.value)) problems.push({ line, message });
  }
  return problems;
}
