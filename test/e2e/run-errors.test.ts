import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../providers/scripted-server.js';
import { readJsonl, runCli, startLoopbackProvider, tempDir, writeSuite } from './helpers.js';

const CASES = Array.from({ length: 40 }, (_, i) => ({ input: `message ${i}`, expected: i % 2 === 0 ? 'yes' : 'no' }));
/** Inputs the `small` model refuses with a 400 (a final error: not retried). */
const REFUSED = new Set(['message 3', 'message 11', 'message 20', 'message 33']);

/** A loopback model server that answers every case right, except the refused ones for `small`. */
function startOracle() {
  const expected = new Map(CASES.map((c) => [c.input, c.expected]));
  return startLoopbackProvider((_req, text, res) => {
    const body = JSON.parse(text) as { model: string; messages: { role: string; content: string }[] };
    const input = body.messages.at(-1)?.content ?? '';
    if (body.model === 'small' && REFUSED.has(input)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'input rejected', type: 'invalid_request_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(expected.get(input) ?? '?')));
  });
}

function suiteYaml(baseUrl: string, extra = ''): string {
  return `name: errors
dataset:
  cases: ${JSON.stringify(CASES)}
task: { kind: classification }
providers:
  local: { base_url: ${baseUrl}, concurrency: 4, max_retries: 1 }
variants:
  big: { role: prompted, provider: local, model: big }
  small: { role: finetuned, provider: local, model: small }
${extra}`;
}

interface Results {
  summary: { errors: number; passed: boolean };
  suites: {
    variants: Record<
      string,
      {
        metrics: { n: number; errors: number; error_rate: number; correct: number; accuracy: number };
        thresholds: { metric: string; limit: number; actual: number; pass: boolean }[];
        passed: boolean;
      }
    >;
    comparison: Record<string, { n: number; counts: { n11: number; n10: number; n01: number; n00: number } }>;
    verdict: { decision: string; reasons: string[] };
  }[];
}

describe('errors are not silent', () => {
  let oracle: Awaited<ReturnType<typeof startOracle>>;
  let dir: string;

  beforeAll(async () => {
    oracle = await startOracle();
    dir = await tempDir();
  });
  afterAll(async () => {
    await oracle?.close();
  });

  it('measures accuracy on answered cases, gates the error rate by default and gives no verdict', async () => {
    const suite = await writeSuite(dir, 'default-gate.yaml', suiteYaml(oracle.url));
    const { code, stdout } = await runCli(['run', suite, '--out', 'out-default', '--no-cache', '--quiet'], {
      cwd: dir,
    });
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n').at(-2)).toBe('Some gates failed.');
    expect(stdout).not.toContain('passed');
    expect(stdout).toContain('✗ small: error_rate ≤ 0.01, got 10.0%');
    expect(stdout).toMatch(/small\s+finetuned\s+small\s+40\s+4 \(10\.0%\)\s+100\.0%/);
    expect(stdout).toContain('verdict: INCONCLUSIVE');

    const results = JSON.parse(await readFile(join(dir, 'out-default', 'results.json'), 'utf8')) as Results;
    const [measured] = results.suites;
    const small = measured?.variants.small;
    // The four refused calls are errors, not wrong answers: every answered case was right.
    expect(small?.metrics).toMatchObject({ n: 40, errors: 4, error_rate: 0.1, correct: 36, accuracy: 1 });
    expect(small?.thresholds).toEqual([{ metric: 'error_rate', op: 'max', limit: 0.01, actual: 0.1, pass: false }]);
    expect(measured?.variants.big?.passed).toBe(true);
    // Paired only on the 36 cases both answered: no case went right → wrong.
    expect(measured?.comparison.small).toMatchObject({ n: 36, counts: { n11: 36, n10: 0, n01: 0, n00: 0 } });
    expect(measured?.verdict.decision).toBe('inconclusive');
    expect(measured?.verdict.reasons[0]).toBe(
      'No verdict: small failed 4 of 40 calls (10.0%), above the allowed error rate of 1.0% (thresholds.error_rate.max).',
    );
    expect(results.summary).toMatchObject({ errors: 4, passed: false });
    const records = await readJsonl<{ variant: string; error: string | null }>(join(dir, 'out-default', 'cases.jsonl'));
    expect(records.filter((r) => r.error !== null).map((r) => r.variant)).toEqual(['small', 'small', 'small', 'small']);
  });

  it("uses the suite's own error-rate limit", async () => {
    const suite = await writeSuite(
      dir,
      'own-gate.yaml',
      suiteYaml(oracle.url, 'thresholds: { error_rate: { max: 0.2 } }'),
    );
    const { code, stdout } = await runCli(['run', suite, '--out', 'out-own', '--no-cache', '--quiet'], { cwd: dir });
    const results = JSON.parse(await readFile(join(dir, 'out-own', 'results.json'), 'utf8')) as Results;
    const [measured] = results.suites;
    expect(measured?.variants.small?.thresholds).toEqual([
      { metric: 'error_rate', op: 'max', limit: 0.2, actual: 0.1, pass: true },
    ]);
    expect(measured?.verdict.reasons.join(' ')).not.toContain('No verdict');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-2)).toBe('All gates passed.');
  });
});
