import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/text.js';
import type { RunResults } from '../../src/report/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { BANKING_SAMPLE, copyBankingSample, readJsonl, runCli, tempDir, writeSuite } from './helpers.js';

const FINE_TUNED = 'ft:sim-small:acme:intents:n1';

/** One night: the simulator serves the fine-tuned id at `accuracy`, the suite runs with the history. */
async function night(dir: string, accuracy: number, extra: string[] = []) {
  const cases = await readJsonl<{ input: string; expected: string }>(BANKING_SAMPLE);
  const simulator = await startSimulator({
    seed: 5,
    cases,
    shared_difficulty: 0.9,
    models: {
      'sim-big': { accuracy: 0.93, latency_ms: 2, jitter_ms: 0 },
      [FINE_TUNED]: { accuracy, latency_ms: 1, jitter_ms: 0 },
    },
  });
  try {
    await writeSuite(
      dir,
      'suite.yaml',
      `name: intents
dataset: { path: banking.jsonl }
task: { kind: classification }
providers:
  sim: { base_url: ${simulator.url}, concurrency: 16 }
variants:
  prompted: { role: prompted, provider: sim, model: sim-big }
  finetuned: { role: finetuned, provider: sim, model: "${FINE_TUNED}" }
pricing:
  sim-big: { input: 2, output: 8 }
  "${FINE_TUNED}": { input: 0.2, output: 0.8 }
decision:
  fail_on: [drift]
  drift_latency_pct: 10000
`,
    );
    const cli = await runCli(
      ['run', 'suite.yaml', '--no-cache', '--quiet', '--history', 'hist/history.jsonl', ...extra],
      {
        cwd: dir,
      },
    );
    const results = JSON.parse(await readFile(join(dir, 'tunegate-results', 'results.json'), 'utf8')) as RunResults;
    return { ...cli, results, suite: results.suites[0] as RunResults['suites'][number] };
  } finally {
    await simulator.close();
  }
}

describe('five nights against one fine-tuned model id, with a history', () => {
  let dir: string;
  let nights: Awaited<ReturnType<typeof night>>[];

  beforeAll(async () => {
    dir = await tempDir('tunegate-history-');
    await copyBankingSample(dir);
    nights = [];
    for (const accuracy of [0.91, 0.91, 0.75, 0.75]) nights.push(await night(dir, accuracy));
    nights.push(await night(dir, 0.91, ['--markdown', 'night-5.md']));
  }, 120_000);

  it('accepts the first night as the reference and finds no drift on the second', () => {
    const [first, second] = nights;
    expect(first?.suite.drift?.status).toBe('no-history');
    expect(first?.results.history?.accepted).toEqual(['intents']);
    expect(first?.code).toBe(0);
    expect(second?.suite.drift?.status).toBe('none');
    expect(second?.suite.drift?.against?.run_id).toBe(first?.results.run_id);
    expect(second?.code).toBe(0);
  });

  it('reports drift on nights 3 and 4 against night 1, fails the gate, and says retrain', () => {
    for (const drifting of [nights[2], nights[3]]) {
      const drift = drifting?.suite.drift;
      expect(drift?.status).toBe('drift');
      expect(drift?.against?.run_id).toBe(nights[0]?.results.run_id);
      expect(drift?.fails).toBe(true);
      const variant = drift?.variants.finetuned;
      expect(variant?.drifted).toBe(true);
      expect(variant?.accuracy_then).toBeCloseTo(0.91, 2);
      expect(variant?.accuracy_now).toBeCloseTo(0.75, 2);
      expect(variant?.diff_ci?.[1]).toBeLessThan(0);
      expect(variant?.p_adjusted).toBeLessThan(0.05);
      expect(drift?.variants.prompted?.drifted).toBe(false);
      // The accepted run of the history serves as the retrain reference, as --reference did.
      expect(drifting?.suite.verdict.decision).toBe('retrain');
      expect(drifting?.code).toBe(1);
      expect(drifting?.stdout).toMatch(/drift: DRIFT against the accepted run of .* fails this run/);
    }
  });

  it('writes drift and history fields that the published schema documents', async () => {
    const schema = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const undocumented = (written: object, documented: Record<string, unknown>) =>
      Object.keys(written).filter((key) => !(key in documented));
    for (const { results } of nights) {
      ajv.validate(schema, results);
      expect(ajv.errors ?? []).toEqual([]);
      const drift = results.suites[0]?.drift as object;
      expect(undocumented(drift, schema.definitions.drift.properties)).toEqual([]);
      expect(undocumented(results.history as object, schema.properties.history.properties)).toEqual([]);
      for (const variant of Object.values(results.suites[0]?.drift?.variants ?? {})) {
        expect(undocumented(variant, schema.definitions.driftVariant.properties)).toEqual([]);
      }
    }
    expect(Object.keys(nights[2]?.suite.drift?.variants ?? {})).toEqual(['prompted', 'finetuned']);
  });

  it('draws the trend of each suite, this night included, in the --markdown report', async () => {
    const markdown = await readFile(join(dir, 'night-5.md'), 'utf8');
    expect(markdown).toContain('xychart-beta');
    expect(markdown).toContain('**Trend** (5 runs)');
  });

  it('reports recovered on night 5', () => {
    expect(nights[4]?.suite.drift?.status).toBe('recovered');
    expect(nights[4]?.code).toBe(0);
  });

  it('keeps one compact line per night and the case ids once', async () => {
    const text = await readFile(join(dir, 'hist', 'history.jsonl'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(6);
    const history = parseHistory(text);
    expect(history.problems).toEqual([]);
    expect(history.ids.size).toBe(1);
    expect(history.runs.map((r) => [r.drift, r.accepted])).toEqual([
      ['no-history', true],
      ['none', false],
      ['drift', false],
      ['drift', false],
      ['recovered', false],
    ]);
    // 200 cases: a bitset is 25 bytes, 36 base64 characters.
    expect(history.runs[0]?.variants.finetuned?.correct).toHaveLength(36);
    expect(lines[1]?.length).toBeLessThan(1200);
  });

  it('makes a run accepted with --accept the new reference, and its drift does not fail it', async () => {
    const accepted = await night(dir, 0.75, ['--accept']);
    expect(accepted.suite.drift?.status).toBe('drift');
    expect(accepted.suite.drift?.fails).toBe(false);
    expect(accepted.results.history?.accepted).toEqual(['intents']);
    const after = await night(dir, 0.75);
    expect(after.suite.drift?.against?.run_id).toBe(accepted.results.run_id);
    expect(after.suite.drift?.status).toBe('none');
  }, 60_000);

  it('reports a corrupt line with its number, skips it, and keeps it', async () => {
    const path = join(dir, 'hist', 'history.jsonl');
    const before = await readFile(path, 'utf8');
    await writeFile(path, `${before}{"kind":"run",\n`);
    const next = await night(dir, 0.91);
    const lineNumber = before.trim().split('\n').length + 1;
    expect(next.stderr).toContain(`history.jsonl:${lineNumber}:1 not valid JSON`);
    expect(next.results.history?.problems).toEqual([
      expect.objectContaining({ line: lineNumber, code: 'history-corrupt' }),
    ]);
    const after = await readFile(path, 'utf8');
    expect(after.startsWith(`${before}{"kind":"run",\n`)).toBe(true);
    expect(parseHistory(after).runs).toHaveLength(parseHistory(before).runs.length + 1);
  }, 60_000);

  it('prunes past --history-keep, keeps the accepted reference, and says so', async () => {
    const next = await night(dir, 0.91, ['--history-keep', '2']);
    expect(next.stdout).toMatch(
      /history: pruned \d+ run\(s\) of intents from .* keeping 3 \(history-keep 2; the accepted reference is always kept\)/,
    );
    const history = parseHistory(await readFile(join(dir, 'hist', 'history.jsonl'), 'utf8'));
    expect(history.runs).toHaveLength(3);
    expect(history.runs[0]?.accepted_reason).toBe('manual');
    // The corrupt line written by hand is still there, still reported.
    expect(history.problems).toEqual([expect.objectContaining({ code: 'history-corrupt' })]);
  }, 60_000);

  it('refuses a history it cannot read before calling any model', async () => {
    const cli = await runCli(['run', 'suite.yaml', '--quiet', '--history', 'hist'], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(
      /hist: cannot read the run history \(EISDIR.*\); pass a readable JSONL file to --history/,
    );
  });
});
