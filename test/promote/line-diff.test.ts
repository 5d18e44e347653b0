import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/training/line-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a.yaml', 'x\ny\n', 'x\ny\n')).toBe('');
  });

  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff('m.yaml', undefined, 'models:\n  router: ft:a\n')).toBe(
      '--- /dev/null\n+++ b/m.yaml\n@@ -0,0 +1,2 @@\n+models:\n+  router: ft:a\n',
    );
  });

  it('splits distant changes into hunks with three lines of context', () => {
    const before = `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', 'line eighteen\nline 18b\n');
    expect(unifiedDiff('f.txt', before, after)).toBe(
      [
        '--- a/f.txt',
        '+++ b/f.txt',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,7 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        '+line eighteen',
        '+line 18b',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
  });
});
