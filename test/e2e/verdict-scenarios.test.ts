import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');

async function scenario(simConfig: string, extra: string[] = []) {
  const out = await tempDir();
  const run = await runCli(
    [
      'run',
      'evals/banking77.yaml',
      '--sim-config',
      `evals/sim/${simConfig}`,
      '--out',
      out,
      '--no-cache',
      '--quiet',
      '--markdown',
      join(out, 'summary.md'),
      ...extra,
    ],
    { cwd: root },
  );
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
  const markdown = await readFile(join(out, 'summary.md'), 'utf8');
  return { run, suite: results.suites[0], markdown, resultsPath: join(out, 'results.json') };
}

describe('the example suite’s three simulated scenarios', () => {
  it('switch: the fine-tuned model is nearly as good and far cheaper', async () => {
    const { run, suite, markdown } = await scenario('banking77.yaml');
    expect(run.code).toBe(0);
    // Both providers (OpenAI and Fireworks) answered from the simulator, with no API key set.
    expect(suite.variants.prompted.model).toBe('gpt-5.5');
    expect(suite.variants.finetuned.model).toBe('accounts/acme/models/banking77-llama-v3p1-8b');
    expect(suite.verdict.decision).toBe('switch');
    // The whole eval part of the holdout is evaluated: 603 of the 3,080 rows.
    expect(suite.variants.prompted.metrics.n).toBe(603);
    expect(suite.variants.finetuned.metrics.n).toBe(603);
    expect(suite.verdict.reasons[0]).toMatch(
      /finetuned is at most 3\.0 points less accurate than prompted: −1\.0 points \(95% CI −\d\.\d points to \+\d\.\d points\), above −3\.0 points\./,
    );
    // The demo's simulated gpt-5.5 is fragile, its fine-tune steady: a reason given for the switch.
    expect(suite.verdict.reasons[1]).toMatch(
      /^It is steadier: finetuned changes its answer on [\d.]+% of perturbed inputs, prompted on [\d.]+%/,
    );
    expect(suite.verdict.reasons[2]).toMatch(/finetuned saves \$3,99\d a month at 1,000,000 requests/);
    expect(suite.variants.prompted.fragility?.flip_rate).toBeGreaterThan(0.04);
    expect(markdown).toContain('#### Fragility');
    expect(suite.comparison.finetuned.non_inferior).toBe(true);
    expect(markdown).toContain('> **✅ Switch to the fine-tuned model** — **finetuned** vs **prompted**');
    expect(markdown).toContain('quadrantChart');
    expect(markdown).toMatch(/<details><summary>finetuned: 9 cases went right → wrong<\/summary>/);
    // Each price names where it came from.
    expect(suite.variants.prompted.price_source).toBe('genai-prices 0.1.8');
    expect(suite.variants.finetuned.price_source).toMatch(/^built-in ft table \(as of \d{4}-\d{2}-\d{2}\)$/);
  });

  it('keep-prompting: the fine-tuned model is clearly worse', async () => {
    const { run, suite } = await scenario('banking77-worse.yaml');
    expect(run.code).toBe(0);
    expect(suite.verdict.decision).toBe('keep-prompting');
    expect(suite.verdict.reasons[0]).toMatch(
      /finetuned is less accurate than prompted beyond the allowed loss: −7\.0 points .* entirely below −3\.0 points\./,
    );
    expect(suite.comparison.finetuned.worse_beyond_margin).toBe(true);
    expect(suite.comparison.finetuned.mcnemar_p_value).toBeLessThan(0.001);
    expect(suite.flipped_cases.finetuned.right_to_wrong).toHaveLength(42);
    expect(suite.flipped_cases.finetuned.right_to_wrong[0]).toMatchObject({
      baseline_output: expect.any(String),
      candidate_output: expect.any(String),
    });
  });

  it('inconclusive: too close to call on the 603 cases of the eval part, with the number of cases that would decide it', async () => {
    const { run, suite } = await scenario('banking77-close.yaml');
    expect(run.code).toBe(0);
    expect(suite.verdict.decision).toBe('inconclusive');
    expect(suite.verdict.reasons[0]).toMatch(/straddles the margin of −3\.0 points/);
    const more = suite.comparison.finetuned.additional_cases_needed;
    expect(more).toBeGreaterThan(603);
    expect(suite.verdict.reasons[1]).toBe(
      `About ${more.toLocaleString('en-US')} more cases (${(603 + more).toLocaleString('en-US')} in all) would decide it with 80% power.`,
    );
  });

  it('retrain: a fine-tuned model accepted earlier has since lost accuracy, and the run fails', async () => {
    const accepted = await scenario('banking77.yaml');
    const { run, suite } = await scenario('banking77-worse.yaml', ['--reference', accepted.resultsPath]);
    expect(suite.verdict.decision).toBe('retrain');
    expect(suite.verdict.fails).toBe(true);
    expect(suite.verdict.reasons[0]).toMatch(/has lost accuracy since it was accepted: 92\.0% → 86\.1%, −6\.0 points/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/verdict: RETRAIN .*fails this run/);
  });
});
