import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRAINING_SET_REPORT_FILE } from '../../src/training/training-set.js';
import { runCli } from '../e2e/helpers.js';
import { randomSentences } from '../training/fake-teacher.js';
import { EVAL, TABLE } from '../training/leak-shapes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunegate-leaks-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('tunegate training-set', () => {
  it('prints the leaks removed per rule with examples, and writes them to training-set.json', async () => {
    const cases = EVAL.map((input, index) => ({ input, expected: `label_${index}` }));
    const logs = [...randomSentences(12, 3), ...TABLE.map((row) => row.text)].map((input) => ({
      input,
      output: 'label_0',
    }));
    await writeFile(join(dir, 'cases.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n'));
    await writeFile(join(dir, 'logs.jsonl'), logs.map((l) => JSON.stringify(l)).join('\n'));
    await writeFile(
      join(dir, 'suite.yaml'),
      `name: intents
dataset: { path: cases.jsonl }
task: { kind: classification }
providers:
  local: { base_url: "http://127.0.0.1:9/v1" }
variants:
  small: { role: finetuned, provider: local, model: small, template: "{{input}}" }
training:
  sources: [{ logs: file://logs.jsonl }]
  validation_split: 0
`,
    );
    const { code, stdout, stderr } = await runCli(['training-set', 'suite.yaml', '--out', 'set'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/removed: 8 leaking the eval set/);
    expect(stdout).toMatch(/eval-set leaks: 1 exact, 2 containment, 1 ngram, 4 near-duplicate\n/);
    expect(stdout).toContain(
      '    near-duplicate: "How do I top up my crad using Apple Pay?" ~ "How do I top up my card using Apple Pay?"',
    );
    const report = JSON.parse(await readFile(join(dir, 'set', TRAINING_SET_REPORT_FILE), 'utf8'));
    expect(report.decontamination.eval.by_rule).toEqual({ exact: 1, containment: 2, ngram: 1, 'near-duplicate': 4 });
    expect(report.train).toBe(16);
  });
});
