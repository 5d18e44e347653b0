import { buildMessages } from '../engine/plan.js';
import type { Problem } from '../errors.js';
import { contextWindowOf } from '../providers/context-windows.js';
import { countMessageTokens, loadTokenizer } from '../providers/tokens.js';
import type { ChatMessage } from '../providers/types.js';
import type { SuiteWithCases } from './validate.js';

/** Rows reported per variant; a dataset of huge rows gets a count for the rest, not a flood. */
const MAX_REPORTED_ROWS = 10;
/** Tokens of chat framing per message, and to prime the reply (as countMessageTokens counts them). */
const FRAMING_TOKENS = 3;

const bytesOf = new WeakMap<ChatMessage, number>();

/**
 * A bound no token count can exceed: every token stands for at least one byte of UTF-8. Rows under the
 * window by this bound need no tokenising (nearly all of them).
 */
function tokenBound(messages: ChatMessage[]): number {
  let total = FRAMING_TOKENS;
  for (const message of messages) {
    let bytes = bytesOf.get(message);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(message.content) + Buffer.byteLength(message.role) + FRAMING_TOKENS;
      bytesOf.set(message, bytes);
    }
    total += bytes;
  }
  return total;
}

/**
 * Refuses rows whose prompt (system prompt, examples and the row's message) exceeds the model's context
 * window, before any call is made: the variant's `context_window`, else its provider's, else the built-in
 * table; models it does not know are not checked. Long texts are counted by estimate (see countTokens).
 */
export async function checkContextWindows({ suite, cases }: SuiteWithCases): Promise<Problem[]> {
  const checked = suite.variants.flatMap((variant) => {
    const window =
      variant.context_window ?? suite.providers[variant.provider]?.context_window ?? contextWindowOf(variant.model);
    return window === null || window === undefined ? [] : [{ variant, window, over: 0 }];
  });
  const problems: Problem[] = [];
  if (checked.length === 0) return problems;
  // One read of the cases for every variant: a streamed dataset is read from its file on each iteration.
  for (const testCase of cases) {
    for (const check of checked) {
      const { variant, window } = check;
      const messages = buildMessages(variant, testCase);
      if (tokenBound(messages) <= window) continue;
      await loadTokenizer();
      const tokens = countMessageTokens(messages);
      if (tokens <= window) continue;
      check.over += 1;
      if (check.over > MAX_REPORTED_ROWS) continue;
      const inSuite = suite.dataset.path === undefined ? '' : `${suite.file}: `;
      problems.push({
        file: suite.dataset.path ?? suite.file,
        line: suite.dataset.path ? testCase.line : suite.dataset.ref.line,
        col: 1,
        code: 'context-window',
        message:
          `${inSuite}variant "${variant.name}" (${variant.model}): case ${testCase.id} makes a prompt of about ` +
          `${tokens.toLocaleString('en-US')} tokens, over the model's context window of ${window.toLocaleString('en-US')}; ` +
          'shorten or drop the row, or set context_window on the variant if the model takes more',
      });
    }
  }
  for (const { variant, over } of checked) {
    if (over <= MAX_REPORTED_ROWS) continue;
    problems.push({
      ...suite.dataset.ref,
      code: 'context-window',
      message: `variant "${variant.name}": ${over - MAX_REPORTED_ROWS} more row(s) exceed the context window`,
    });
  }
  return problems;
}
