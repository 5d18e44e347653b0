import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CASES_FILE } from '../report/files.js';
import { type JunitCaseRecord, renderJunit } from '../report/junit.js';
import type { RunResults } from '../report/types.js';
import { isRecord, readJsonlFile } from '../training/jsonl-file.js';

function asJunitRecord(value: unknown): JunitCaseRecord | string {
  if (!isRecord(value)) return 'expected a JSON object (a cases.jsonl record)';
  const { suite, variant, case_id, index, output, error, correct } = value;
  if (typeof suite !== 'string' || typeof variant !== 'string' || typeof case_id !== 'string') {
    return 'expected string fields "suite", "variant" and "case_id" (is this a tunegate cases.jsonl?)';
  }
  if (typeof index !== 'number') return `case ${case_id}: "index" must be a number`;
  if (output !== null && typeof output !== 'string') return `case ${case_id}: "output" must be a string or null`;
  if (error !== null && typeof error !== 'string') return `case ${case_id}: "error" must be a string or null`;
  if (typeof correct !== 'boolean') return `case ${case_id}: "correct" must be true or false`;
  return value as unknown as JunitCaseRecord;
}

/** Writes the run's JUnit XML to `path`, from its results and the cases.jsonl published beside them in `outDir`. */
export async function writeJunitFile(path: string, results: RunResults, outDir: string): Promise<void> {
  const records: JunitCaseRecord[] = [];
  await readJsonlFile(join(outDir, CASES_FILE), (value) => {
    const record = asJunitRecord(value);
    if (typeof record === 'string') return record;
    records.push(record);
    return undefined;
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderJunit(results, records));
}
