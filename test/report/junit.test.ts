import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JunitCaseRecord, renderJunit } from '../../src/report/junit.js';
import type { RunResults } from '../../src/report/types.js';
import { runCli, tempDir } from '../e2e/helpers.js';
import { HOSTILE, hostileResults } from './fixtures.js';
import { parseXml, type XmlElement } from './junit-xml.js';

const counted = (suite: XmlElement, kind: string) =>
  suite.children.filter((test) => test.children.some((child) => child.name === kind)).length;

/**
 * The JUnit shape CI reporters read: testsuites > testsuite[name,tests,failures,errors,skipped,time] >
 * testcase[name,classname,time] > failure|error[message], with every count matching what it counts.
 */
function expectJunitShape(root: XmlElement): void {
  expect(root.name).toBe('testsuites');
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    for (const attribute of ['name', 'tests', 'failures', 'errors', 'skipped', 'time']) {
      expect(suite.attributes).toHaveProperty(attribute);
    }
    expect(Number(suite.attributes.tests)).toBe(suite.children.length);
    expect(Number(suite.attributes.failures)).toBe(counted(suite, 'failure'));
    expect(Number(suite.attributes.errors)).toBe(counted(suite, 'error'));
    expect(Number.isFinite(Number(suite.attributes.time))).toBe(true);
    for (const test of suite.children) {
      expect(test.name).toBe('testcase');
      expect(Object.keys(test.attributes).sort()).toEqual(['classname', 'name', 'time']);
      expect(Number.isFinite(Number(test.attributes.time))).toBe(true);
      expect(test.children.length).toBeLessThanOrEqual(1);
      for (const outcome of test.children) {
        expect(['failure', 'error']).toContain(outcome.name);
        expect(outcome.attributes).toHaveProperty('message');
      }
    }
    tests += suite.children.length;
    failures += counted(suite, 'failure');
    errors += counted(suite, 'error');
  }
  expect(root.attributes).toMatchObject({ tests: String(tests), failures: String(failures), errors: String(errors) });
}

const byName = (root: XmlElement, name: string) => root.children.find((s) => s.attributes.name === name);

describe('JUnit XML', () => {
  it('is well-formed and carries hostile outputs, names and errors exactly (bar the characters XML forbids)', () => {
    const run: RunResults = hostileResults();
    const suite = run.suites[0] as RunResults['suites'][number];
    const nasty = `${HOSTILE.text} & <b>"quoted"</b> 'single' ]]> \ud800 tab\there\r\nend`;
    const records: JunitCaseRecord[] = [
      {
        suite: suite.name,
        variant: 'prompted',
        case_id: 'c2',
        index: 2,
        expected: 'a',
        output: 'a',
        error: null,
        correct: true,
        latency_ms: 250,
      },
      {
        suite: suite.name,
        variant: 'prompted',
        case_id: 'c1',
        index: 1,
        expected: { x: '<y>' },
        output: nasty,
        error: null,
        correct: false,
        latency_ms: 1500,
      },
      {
        suite: suite.name,
        variant: HOSTILE.variant,
        case_id: 'c1',
        index: 1,
        expected: 'a',
        output: null,
        error: nasty,
        correct: false,
        latency_ms: null,
      },
      {
        suite: 'another suite',
        variant: 'prompted',
        case_id: 'x',
        index: 0,
        expected: 'a',
        output: 'a',
        error: null,
        correct: true,
        latency_ms: 1,
      },
    ];
    const xml = renderJunit(run, records);
    const root = parseXml(xml);
    expectJunitShape(root);

    const prompted = byName(root, `${suite.name}/prompted`) as XmlElement;
    // Cases in the dataset's order, not the order the calls finished in.
    expect(prompted.children.map((t) => t.attributes.name)).toEqual(['c1', 'c2']);
    expect(prompted.children[0]?.attributes.time).toBe('1.500');
    const failure = prompted.children[0]?.children[0] as XmlElement;
    expect(failure.name).toBe('failure');
    // What XML cannot carry (NUL, ESC, a lone surrogate) becomes U+FFFD; everything else arrives as it was.
    const readable = [...nasty]
      .map((char) => (/^[\t\n\r]$/.test(char) || char >= ' ' ? (char === '\ud800' ? '\ufffd' : char) : '\ufffd'))
      .join('');
    expect(failure.attributes.message).toBe(`expected {"x":"<y>"}, got ${readable}`);
    expect(failure.text).toBe(`expected: {"x":"<y>"}\noutput: ${readable}`);

    const candidate = byName(root, `${suite.name}/${HOSTILE.variant}`) as XmlElement;
    expect(candidate.attributes.name).toBe(`${suite.name}/${HOSTILE.variant}`);
    expect(candidate.children[0]?.children[0]?.name).toBe('error');
    expect(candidate.children[0]?.children[0]?.attributes.message).toBe(readable);
    // A record of a suite the results do not have is not reported.
    expect(root.children.some((s) => s.attributes.name?.startsWith('another suite'))).toBe(false);

    const gates = byName(root, `${suite.name}/gates`) as XmlElement;
    expect(gates.children.map((t) => t.attributes.name)).toEqual([
      'prompted: accuracy ≥ 0.85',
      `${HOSTILE.variant}: accuracy ≥ 0.95`,
      'verdict',
    ]);
    expect(gates.children.map((t) => t.children[0]?.name ?? 'pass')).toEqual(['pass', 'failure', 'pass']);
    expect(gates.children[1]?.children[0]?.attributes.message).toBe('accuracy 90.0%');
  });

  it('fails the verdict test case when the verdict fails the run', () => {
    const run = hostileResults();
    const suite = run.suites[0] as RunResults['suites'][number];
    suite.verdict = { ...suite.verdict, decision: 'keep-prompting', fails: true, reasons: ['a & b'] };
    const gates = byName(parseXml(renderJunit(run, [])), `${suite.name}/gates`) as XmlElement;
    const verdict = gates.children.at(-1) as XmlElement;
    expect(verdict.attributes.name).toBe('verdict');
    expect(verdict.children[0]?.attributes.message).toBe('verdict keep-prompting fails the run');
    expect(verdict.children[0]?.text).toBe('a & b');
  });

  it('`run --junit FILE` writes a test case per case × variant and per gate, matching results.json', async () => {
    const cwd = await tempDir('tunegate-junit-');
    expect((await runCli(['init', '--name', 'intents'], { cwd })).code).toBe(0);
    // The candidate answers badly: its accuracy threshold fails, and so does the run.
    const simConfig = join(cwd, 'evals/sim/intents.yaml');
    await writeFile(simConfig, (await readFile(simConfig, 'utf8')).replace(/accuracy: 0\.92/, 'accuracy: 0.2'));
    const run = await runCli(
      [
        'run',
        'evals/intents.tunegate.yaml',
        '--sim-config',
        'evals/sim/intents.yaml',
        '--junit',
        'reports/junit.xml',
        '--quiet',
      ],
      { cwd },
    );
    expect(run.code).toBe(1);
    const results = JSON.parse(await readFile(join(cwd, 'tunegate-results/results.json'), 'utf8')) as RunResults;
    const root = parseXml(await readFile(join(cwd, 'reports/junit.xml'), 'utf8'));
    expectJunitShape(root);
    const suite = results.suites[0] as RunResults['suites'][number];
    for (const [name, variant] of Object.entries(suite.variants)) {
      const xml = byName(root, `intents/${name}`) as XmlElement;
      expect(Number(xml.attributes.tests)).toBe(variant.metrics.n);
      expect(Number(xml.attributes.errors)).toBe(variant.metrics.errors);
      expect(Number(xml.attributes.failures)).toBe(
        variant.metrics.n - variant.metrics.errors - variant.metrics.correct,
      );
      expect(xml.children.every((t) => t.attributes.classname === `intents.${name}`)).toBe(true);
    }
    const gates = byName(root, 'intents/gates') as XmlElement;
    const failedThresholds = Object.values(suite.variants).flatMap((v) => v.thresholds.filter((t) => !t.pass));
    expect(failedThresholds.length).toBeGreaterThan(0);
    expect(Number(gates.attributes.failures)).toBe(failedThresholds.length + (suite.verdict.fails ? 1 : 0));
    expect(gates.children.find((t) => t.attributes.name === 'finetuned: accuracy ≥ 0.5')?.children[0]?.name).toBe(
      'failure',
    );
  });
});
