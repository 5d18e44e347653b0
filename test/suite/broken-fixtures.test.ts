import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/dataset/load.js';
import { formatProblem } from '../../src/errors.js';
import { loadSuites } from '../../src/suite/load.js';

/**
 * Each folder under test/fixtures/broken is one broken configuration and an expected.txt listing
 * every problem, `file:line:col message`, files relative to the folder. Suites are loaded with the
 * folder as cwd (patterns from patterns.txt, default *.yaml) and an empty environment; the datasets
 * of suites that load are read too, the way `validate` does.
 */
const root = path.resolve(import.meta.dirname, '../fixtures/broken');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

describe('broken suites report every problem at its location', () => {
  it('has enough cases to cover the error kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', async (name) => {
    const cwd = path.join(root, name);
    const patternsFile = path.join(cwd, 'patterns.txt');
    const patterns = existsSync(patternsFile) ? readLines(patternsFile) : ['*.yaml'];
    const loaded = await loadSuites(patterns, { cwd, env: {} });
    const reported = loaded.problems.map(formatProblem);
    for (const suite of loaded.suites) reported.push(...(await loadCases(suite)).problems.map(formatProblem));

    expect(reported).toEqual(readLines(path.join(cwd, 'expected.txt')));
  });
});
