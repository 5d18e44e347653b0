import { describe, expect, it } from 'vitest';
import {
  validateChatFineTuningJsonl,
  validateChatFineTuningLine,
  validatePreferenceLine,
} from '../../src/training/chat-format.js';

const user = { role: 'user', content: 'Where is my card?' };
const assistant = { role: 'assistant', content: 'card_arrival' };
const toolCall = { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } };

describe('validateChatFineTuningLine', () => {
  it.each([
    ['system + user + assistant', { messages: [{ role: 'system', content: 'Classify.' }, user, assistant] }],
    [
      'weights 0 and 1 on assistant turns',
      { messages: [user, { ...assistant, weight: 0 }, user, { ...assistant, weight: 1 }] },
    ],
    [
      'a tool call with null content, then a tool reply',
      {
        messages: [
          user,
          { role: 'assistant', content: null, tool_calls: [toolCall] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
          assistant,
        ],
        tools: [{ type: 'function', function: { name: 'lookup' } }],
        parallel_tool_calls: false,
      },
    ],
    ['a named message', { messages: [{ ...user, name: 'ana' }, assistant] }],
  ])('accepts %s', (_name, line) => {
    expect(validateChatFineTuningLine(line)).toEqual([]);
  });

  it.each([
    ['a non-object line', ['x'], /must be a JSON object/],
    ['a missing messages key', { prompt: 'x' }, /missing "messages"/],
    ['an empty messages array', { messages: [] }, /non-empty array/],
    ['messages that are not an array', { messages: 'hi' }, /non-empty array/],
    ['an unknown top-level key', { messages: [user, assistant], metadata: {} }, /unknown key "metadata"/],
    ['an unknown role', { messages: [{ role: 'bot', content: 'x' }, assistant] }, /"role" must be one of/],
    ['a message that is not an object', { messages: ['hi', assistant] }, /messages\[0\]: must be an object/],
    [
      'non-string content',
      { messages: [{ role: 'user', content: 5 }, assistant] },
      /messages\[0\]: "content" must be a string/,
    ],
    [
      'null content without tool calls',
      { messages: [user, { role: 'assistant', content: null }] },
      /null only with "tool_calls"/,
    ],
    [
      'null user content even with tool calls',
      { messages: [{ role: 'user', content: null }, assistant] },
      /"content" must be a string/,
    ],
    ['no assistant message', { messages: [{ role: 'system', content: 's' }, user] }, /at least one assistant message/],
    [
      'a weight on a user message',
      { messages: [{ ...user, weight: 1 }, assistant] },
      /"weight" is allowed only on assistant/,
    ],
    ['a weight other than 0 or 1', { messages: [user, { ...assistant, weight: 0.5 }] }, /"weight" must be 0 or 1/],
    ['an unknown message key', { messages: [{ ...user, lang: 'en' }, assistant] }, /messages\[0\]: unknown key "lang"/],
    [
      'tool calls on a user message',
      { messages: [{ ...user, tool_calls: [toolCall] }, assistant] },
      /only assistant messages may carry/,
    ],
    [
      'a malformed tool call',
      { messages: [user, { role: 'assistant', content: null, tool_calls: [{ id: 1, type: 'x' }] }] },
      /tool_calls\[0\]: "id" must be a string/,
    ],
    [
      'a tool message without tool_call_id',
      { messages: [user, assistant, { role: 'tool', content: 'r' }, assistant] },
      /tool_call_id/,
    ],
    ['tools that are not an array', { messages: [user, assistant], tools: {} }, /"tools" must be an array/],
    [
      'a non-boolean parallel_tool_calls',
      { messages: [user, assistant], parallel_tool_calls: 'yes' },
      /parallel_tool_calls/,
    ],
  ])('rejects %s', (_name, line, expected) => {
    const problems = validateChatFineTuningLine(line);
    expect(
      problems.some((problem) => expected.test(problem)),
      problems.join('\n'),
    ).toBe(true);
  });
});

describe('validatePreferenceLine', () => {
  const good = {
    input: { messages: [user] },
    preferred_output: [assistant],
    non_preferred_output: [{ role: 'assistant', content: 'lost_or_stolen_card' }],
  };

  it('accepts a DPO pair', () => {
    expect(validatePreferenceLine(good)).toEqual([]);
  });

  it.each([
    ['input without messages', { ...good, input: {} }, /input\.messages must be a non-empty array/],
    ['input that is not an object', { ...good, input: 'x' }, /"input" must be an object/],
    ['two preferred outputs', { ...good, preferred_output: [assistant, assistant] }, /exactly one message/],
    ['a missing non-preferred output', { input: good.input, preferred_output: [assistant] }, /non_preferred_output/],
    ['a user-role output', { ...good, preferred_output: [user] }, /preferred_output\[0\]: "role" must be "assistant"/],
    ['an unknown key', { ...good, messages: [] }, /unknown key "messages"/],
  ])('rejects %s', (_name, line, expected) => {
    const problems = validatePreferenceLine(line);
    expect(
      problems.some((problem) => expected.test(problem)),
      problems.join('\n'),
    ).toBe(true);
  });
});

describe('validateChatFineTuningJsonl', () => {
  const line = JSON.stringify({ messages: [user, assistant] });

  it('accepts a file of good lines with a final newline', () => {
    expect(validateChatFineTuningJsonl(`${line}\n${line}\n`)).toEqual([]);
  });

  it('reports problems by line: invalid JSON, blank lines, bad examples', () => {
    const text = [line, '{"messages": [', '', JSON.stringify({ messages: [user] })].join('\n');
    const problems = validateChatFineTuningJsonl(text);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3, 4]);
    expect(problems[0]?.message).toMatch(/invalid JSON/);
    expect(problems[1]?.message).toMatch(/blank line/);
    expect(problems[2]?.message).toMatch(/assistant/);
  });

  it('reports an empty file and checks preference files with the DPO rules', () => {
    expect(validateChatFineTuningJsonl('')).toEqual([{ line: 1, message: 'the file has no examples' }]);
    expect(validateChatFineTuningJsonl(`${line}\n`, 'preference')[0]?.message).toMatch(/unknown key "messages"/);
  });
});
