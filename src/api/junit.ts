import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CASES_FILE, readCases } from '../report/cases-file.js';
import { type JunitCaseRecord, renderJunit } from '../report/junit.js';
import type { RunResults } from '../report/types.js';

/** Writes the run's JUnit XML to `path`, from its results and the cases.jsonl published beside them in `outDir`. */
export async function writeJunitFile(path: string, results: RunResults, outDir: string): Promise<void> {
  const records: JunitCaseRecord[] = [];
  await readCases(join(outDir, CASES_FILE), (line) => records.push(line));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderJunit(results, records));
}
