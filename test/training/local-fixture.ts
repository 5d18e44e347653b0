/** The CLINC150 excerpt in test/fixtures/clinc150-small (see its README for the source and licence). */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelledText } from '../../src/training/local/train.js';
import { createTempRepo, type TempRepo } from '../base/git-repo.js';

type Row = [string, string];
const file = path.resolve(import.meta.dirname, '../fixtures/clinc150-small/data.json');
const data = JSON.parse(readFileSync(file, 'utf8')) as { train: Row[]; val: Row[]; test: Row[] };
const labelled = (rows: Row[]): LabelledText[] => rows.map(([input, label]) => ({ input, label }));

export const smallClinc = { train: labelled(data.train), validation: labelled(data.val), test: labelled(data.test) };

/** Rows as the chat JSONL a training set holds: a system prompt, the templated input, the label. */
export async function writeChatJsonl(file: string, rows: readonly LabelledText[]): Promise<string> {
  const lines = rows.map((row) =>
    JSON.stringify({
      messages: [
        { role: 'system', content: 'Classify the banking request.' },
        { role: 'user', content: `Request: ${row.input}` },
        { role: 'assistant', content: row.label },
      ],
    }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** A training set folder as `tunegate training-set` writes it (train.jsonl, validation.jsonl) from the fixture. */
export async function writeTrainingSet(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeChatJsonl(path.join(dir, 'train.jsonl'), smallClinc.train);
  await writeChatJsonl(path.join(dir, 'validation.jsonl'), smallClinc.validation);
  return dir;
}

/**
 * The small intents suite the local-model e2e tests share: a prompted model on `main` (simulated), a
 * `local: true` provider `onbox`, an optional fine-tuned variant `{ provider, model }`, and the given
 * `training:` lines (indented under it).
 */
export function intentsSuiteYaml(options: {
  finetuned?: { provider: string; model: string };
  training: readonly string[];
  decision?: boolean;
}): string {
  const { finetuned, training, decision = true } = options;
  return [
    'name: intents',
    'dataset: { path: data.jsonl }',
    'task: { kind: classification }',
    'providers:',
    '  main: { base_url: "http://127.0.0.1:9/v1" }',
    '  onbox: { local: true }',
    'variants:',
    '  prompted: { role: prompted, provider: main, model: gpt-5.5, system: "Answer with the intent label." }',
    ...(finetuned
      ? [
          `  finetuned: { role: finetuned, provider: ${finetuned.provider}, model: "${finetuned.model}", template: "Request: {{input}}" }`,
        ]
      : []),
    'thresholds:',
    '  accuracy: { min: 0.5 }',
    ...(decision ? ['decision: { max_accuracy_loss: 0.05 }'] : []),
    'training:',
    ...training.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** The prompted model of the shared intents suite on the simulator: right on 60% of the cases. */
export const INTENTS_SIM = 'seed: 3\nmodels:\n  gpt-5.5: { accuracy: 0.6 }\n';

/** A committed git work tree with the suite, the fixture's test rows as `data.jsonl`, `sim.yaml` and any other files. */
export async function intentsRepo(
  suite: string,
  files: Record<string, string> = {},
  sim: string = INTENTS_SIM,
): Promise<TempRepo> {
  const repo = await createTempRepo();
  const rows = smallClinc.test.map((row) => JSON.stringify({ input: row.input, expected: row.label }));
  await repo.write({ 'suite.yaml': suite, 'data.jsonl': `${rows.join('\n')}\n`, 'sim.yaml': sim, ...files });
  await repo.commit('suite');
  return repo;
}
