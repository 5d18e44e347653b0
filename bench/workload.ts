// The benchmark's inputs, written to a scratch directory: suites over the BANKING77 test split that ships with
// the example suite (evals/), and a synthetic large dataset made from the same messages.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateSuites } from '../src/api/validate.js';
import { iteratePlan } from '../src/engine/index.js';

export const PROMPTED_MODEL = 'gpt-5.5';
export const FINETUNED_MODEL = 'accounts/acme/models/banking77-llama-v3p1-8b';

export interface Workload {
  /** Two variants (prompted + fine-tuned) on a seeded sample of the BANKING77 test split. */
  pairSuite: string;
  /** One fine-tuned variant on each synthetic dataset, by case count. */
  scaleSuites: Map<number, string>;
}

export interface WorkloadOptions {
  repoDir: string;
  workDir: string;
  sampleSize: number;
  concurrency: number;
  scaleSizes: number[];
}

function finetunedVariant(): string {
  return `  finetuned:
    role: finetuned
    provider: sim
    model: ${FINETUNED_MODEL}
    template: "{{input}}"
    params: { temperature: 0, max_tokens: 16 }
`;
}

// The suites are written in a temporary folder and read the example suite's files in the repository.
function suiteYaml(name: string, datasetLines: string, evalsDir: string, concurrency: number, variants: string) {
  return `name: ${name}
allow_outside_paths: true
dataset:
${datasetLines}task:
  kind: classification
  labels: file://${join(evalsDir, 'data', 'banking77-labels.txt')}
scoring:
  - labels: { normalize: [trim, lowercase] }
providers:
  sim: { concurrency: ${concurrency} }
variants:
${variants}`;
}

/**
 * Distinct synthetic messages: the BANKING77 messages again and again, each with a numeric suffix so every
 * case is a different input (and a different cache key), keeping its real label.
 */
async function writeScaleDataset(path: string, rows: { input: string; expected: string }[], size: number) {
  const lines: string[] = [];
  for (let i = 0; i < size; i++) {
    const row = rows[i % rows.length] as { input: string; expected: string };
    lines.push(JSON.stringify({ input: `${row.input} #${i}`, expected: row.expected }));
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}

export async function writeWorkload(options: WorkloadOptions): Promise<Workload> {
  const evalsDir = join(options.repoDir, 'evals');
  const testSplit = join(evalsDir, 'data', 'banking77-test.jsonl');
  const pairSuite = join(options.workDir, 'pair.yaml');
  const prompted = `  prompted:
    role: prompted
    provider: sim
    model: ${PROMPTED_MODEL}
    system: file://${join(evalsDir, 'prompts', 'banking77-system.md')}
    examples: file://${join(evalsDir, 'prompts', 'banking77-few-shot.jsonl')}
    template: "Message: {{input}}"
    params: { reasoning_effort: none, max_completion_tokens: 16 }
`;
  const sample = `  path: ${testSplit}\n  sample: { size: ${options.sampleSize}, seed: 2026 }\n`;
  await writeFile(
    pairSuite,
    suiteYaml('bench-pair', sample, evalsDir, options.concurrency, prompted + finetunedVariant()),
  );

  const rows = (await readFile(testSplit, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { input: string; expected: string });
  const scaleSuites = new Map<number, string>();
  for (const size of options.scaleSizes) {
    const dataset = join(options.workDir, `scale-${size}.jsonl`);
    await writeScaleDataset(dataset, rows, size);
    const suite = join(options.workDir, `scale-${size}.yaml`);
    await writeFile(
      suite,
      suiteYaml(`bench-scale-${size}`, `  path: ${dataset}\n`, evalsDir, options.concurrency, finetunedVariant()),
    );
    scaleSuites.set(size, suite);
  }
  return { pairSuite, scaleSuites };
}

/**
 * The JSON body of every call tunegate makes for `suite`, one per line, in plan order: the variant's params,
 * then model and messages, non-streaming (the body the provider client sends). The floor posts these.
 */
export async function writeRequestBodies(suite: string, path: string): Promise<number> {
  const { suites, problems } = await validateSuites([suite], { cwd: process.cwd(), env: {}, requireApiKeys: false });
  if (problems.length > 0) throw new Error(`bench suite is invalid: ${JSON.stringify(problems)}`);
  const bodies: string[] = [];
  for (const call of iteratePlan(suites)) {
    const { params, model } = call.variant;
    bodies.push(JSON.stringify({ ...params, model, messages: call.messages, stream: false }));
  }
  await writeFile(path, `${bodies.join('\n')}\n`);
  return bodies.length;
}
