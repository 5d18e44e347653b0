import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSuites } from '../../src/api/validate.js';
import { runCli, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const SUITE = 'evals/banking77.yaml';

describe('the example suite’s training data', () => {
  it('builds a non-empty training set offline with the default sources, disjoint from the evaluated cases', async () => {
    const out = await tempDir();
    const built = await runCli(['training-set', SUITE, '--sim-config', 'evals/sim/banking77.yaml', '--out', out], {
      cwd: root,
    });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/train/);
    const lines = (await readFile(join(out, 'train.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(1000);

    const { suites } = await validateSuites([SUITE], { cwd: root, env: {}, requireApiKeys: false });
    const [loaded] = suites;
    if (!loaded) throw new Error('the example suite did not load');
    expect(loaded.cases).toHaveLength(603);
    expect(loaded.trainable).toHaveLength(3080 - 603);
    const trainedInputs = new Set(
      lines.map((line) => {
        const { messages } = JSON.parse(line) as { messages: { role: string; content: string }[] };
        return messages.find((m) => m.role === 'user')?.content;
      }),
    );
    // Rows are rendered as the fine-tuned variant is called: no system prompt, template "{{input}}".
    expect(JSON.parse(lines[0] as string).messages[0].role).toBe('user');
    expect([...loaded.cases].filter((c) => trainedInputs.has(c.input))).toEqual([]);
  });
});
