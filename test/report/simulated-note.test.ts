import { describe, expect, it } from 'vitest';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { simulatedNote } from '../../src/report/simulated-note.js';
import type { RunResults } from '../../src/report/types.js';
import { metrics, results, variant } from './fixtures.js';

/** A run on the simulator whose suite marks itself simulated, with each variant's own flag as given. */
function simulatedRun(flags: Record<string, boolean | undefined>): RunResults {
  const variants = Object.fromEntries(
    Object.entries(flags).map(([name, simulated]) => [name, variant(simulated === undefined ? {} : { simulated })]),
  );
  const run = results(variants, { simulated: true });
  for (const suite of run.suites) suite.simulated = true;
  return run;
}

describe('which answers were simulated', () => {
  it('says nothing when no answer came from the simulator', () => {
    expect(simulatedNote(results({ a: variant({ simulated: false }) }))).toBeNull();
    expect(renderConsoleReport(results({ a: variant({ simulated: false }) }))).not.toContain('SIMULATED');
  });

  it('keeps the plain sentence when every variant was simulated, and for results that record no flag', () => {
    for (const run of [simulatedRun({ a: true, b: true }), simulatedRun({ a: undefined, b: undefined })]) {
      expect(simulatedNote(run)).toEqual({
        partly: false,
        text: 'responses came from the tunegate simulator, not a real model.',
      });
      expect(renderConsoleReport(run)).toMatch(/^intents \(simulated\) — /m);
    }
  });

  it('names the simulated and the real variants of a mixed run, in the console and in Markdown', () => {
    const run = simulatedRun({ prompted: true, finetuned: false });
    const console = renderConsoleReport(run);
    expect(console).toContain(
      'SIMULATED: responses of prompted came from the tunegate simulator, not a real model; those of finetuned are real.',
    );
    expect(console).toMatch(/^intents \(simulated: prompted\) — /m);
    const markdown = renderMarkdownReport(run);
    expect(markdown).toContain('**Partly simulated run**');
    expect(markdown).toContain('finetuned');
  });

  it('does not call a variant real when it answered nothing', () => {
    const run = simulatedRun({ prompted: true, broken: false });
    const broken = run.suites[0]?.variants.broken;
    if (broken) broken.metrics = metrics({ n: 10, errors: 10, correct: 0, accuracy: 0 });
    expect(simulatedNote(run)?.partly).toBe(false);
  });

  it('qualifies variant names by suite when a run has several suites', () => {
    const run = simulatedRun({ prompted: true, finetuned: false });
    const [first] = run.suites;
    if (!first) throw new Error('fixture has a suite');
    run.suites.push({ ...first, name: 'other' });
    expect(simulatedNote(run)?.text).toBe(
      'responses of intents/prompted and other/prompted came from the tunegate simulator, not a real model; those of intents/finetuned and other/finetuned are real.',
    );
  });
});
