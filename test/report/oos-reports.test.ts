import { describe, expect, it } from 'vitest';
import { commentMarker, fitCommentBody } from '../../src/github/comment.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderMarkdownBlocks, renderMarkdownReport } from '../../src/report/markdown.js';
import type { OutOfScopeMetrics } from '../../src/scoring/types.js';
import { metrics, results, variant } from './fixtures.js';

const outOfScope: OutOfScopeMetrics = {
  label: 'oos',
  cases: 1000,
  detected: 219,
  recall: 0.219,
  recall_ci: [0.1947, 0.2454],
  in_scope_cases: 4500,
  in_scope_correct: 4167,
  in_scope_accuracy: 4167 / 4500,
  false_alarms: 12,
};

const run = results({
  prompted: variant(),
  local: variant({ role: 'finetuned', metrics: metrics({ out_of_scope: outOfScope }) }),
});

describe('out-of-scope recall in the reports', () => {
  it('prints one line for the variant that has it in the console report', () => {
    const lines = renderConsoleReport(run).split('\n');
    expect(lines).toContain(
      '  local: out of scope (oos): recall 21.9% [19.5%, 24.5%] (219/1,000), in-scope accuracy 92.6%, 12 false alarms',
    );
    expect(lines.filter((line) => line.includes('out of scope'))).toHaveLength(1);
  });

  it('shows it under the variant table in the Markdown report and the pull-request comment', () => {
    const line =
      '- **local** out of scope (`oos`): recall 21.9% [19.5%, 24.5%] (219/1,000), in-scope accuracy 92.6%, 12 false alarms';
    expect(renderMarkdownReport(run).split('\n')).toContain(line);
    const comment = fitCommentBody(renderMarkdownBlocks(run), commentMarker('eval', 'intents'), { pointer: 'more' });
    expect(comment.split('\n')).toContain(line);
  });

  it('says "1 false alarm" and shows a label from the data harmlessly', () => {
    const odd = { ...outOfScope, label: 'none`|@team', false_alarms: 1 };
    const single = results({ local: variant({ metrics: metrics({ out_of_scope: odd }) }) });
    const markdown = renderMarkdownReport(single);
    expect(markdown).toContain('out of scope (`none@team`)');
    expect(markdown).toMatch(/, 1 false alarm$/m);
  });

  it('prints nothing about it when no variant has it', () => {
    const plain = results({ prompted: variant() });
    expect(renderConsoleReport(plain)).not.toContain('out of scope');
    expect(renderMarkdownReport(plain)).not.toContain('out of scope');
  });
});
