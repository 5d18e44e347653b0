import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';
import { toTrainingExample } from '../../src/training/examples.js';
import { servingFormat } from '../../src/training/serve-format.js';
import { minimal } from '../suite/minimal-suite.js';

const prompted = `  prompted:
    role: prompted
    provider: local
    model: big
    system: You are a very long prompt with many rules.
    examples: [{ input: hi, output: greeting }]
    template: "Message: {{input}}"`;

const description = "description: Route a bank's support messages to an intent.";

function suiteYaml(variants: string, training = '') {
  return minimal(variants, `${description}\n${training}`);
}

async function load(yaml: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-serve-'));
  await writeFile(path.join(dir, 'suite.yaml'), yaml);
  const result = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
  expect(result.problems.map(formatProblem)).toEqual([]);
  const [suite] = result.suites;
  if (!suite) throw new Error('the suite did not load');
  return { suite, warnings: result.warnings.map(formatProblem) };
}

/** The messages of one training row rendered in the suite's serving format. */
async function row(yaml: string) {
  const { suite } = await load(yaml);
  return toTrainingExample({
    id: 'r',
    source: 'eval',
    input: 'where is my card',
    output: 'card_arrival',
    format: servingFormat(suite),
  }).messages;
}

describe('the serving format of training rows', () => {
  it('without a fine-tuned variant defaults to the prompted template, no few-shot turns and a one-line system', async () => {
    expect(await row(suiteYaml(prompted))).toEqual([
      { role: 'system', content: "Route a bank's support messages to an intent." },
      { role: 'user', content: 'Message: where is my card' },
      { role: 'assistant', content: 'card_arrival' },
    ]);
  });

  it('renders rows as training.serve_as says, and an empty system means none', async () => {
    const given = suiteYaml(prompted, 'training:\n  serve_as: { system: Pick the intent., template: "Q: {{input}}" }');
    expect(await row(given)).toEqual([
      { role: 'system', content: 'Pick the intent.' },
      { role: 'user', content: 'Q: where is my card' },
      { role: 'assistant', content: 'card_arrival' },
    ]);
    expect(await row(suiteYaml(prompted, 'training:\n  serve_as: { system: "" }'))).toEqual([
      { role: 'user', content: 'Message: where is my card' },
      { role: 'assistant', content: 'card_arrival' },
    ]);
  });

  it('uses the fine-tuned variant as it is called (system, few-shot turns, template), ignoring serve_as', async () => {
    const finetuned = `
  small:
    role: finetuned
    provider: local
    model: ft-small
    system: Intent?
    examples: [{ input: bye, output: goodbye }]
    template: "<{{input}}>"`;
    const { suite, warnings } = await load(
      suiteYaml(`${prompted}${finetuned}`, 'training:\n  serve_as: { system: unused, template: "unused {{input}}" }'),
    );
    expect(servingFormat(suite).name).toBe('small');
    expect(
      toTrainingExample({ id: 'r', source: 'eval', input: 'x', output: 'y', format: servingFormat(suite) }).messages,
    ).toEqual([
      { role: 'system', content: 'Intent?' },
      { role: 'user', content: '<bye>' },
      { role: 'assistant', content: 'goodbye' },
      { role: 'user', content: '<x>' },
      { role: 'assistant', content: 'y' },
    ]);
    // Few-shot examples on a fine-tuned variant: a warning at their line and column (line 21: `examples:`).
    expect(warnings).toEqual([
      'suite.yaml:21:15 variants.small.examples: few-shot examples on a fine-tuned variant are sent with every ' +
        'request (and so are put into every training row too); a fine-tuned model learns the task from its ' +
        'training set, so remove them to save their tokens',
    ]);
  });
});
