import type { ScoredRecord } from '../scoring/types.js';
import { thresholdLabel, thresholdValue } from './format.js';
import type { RunResults, SuiteResult } from './types.js';

/** The fields of a cases.jsonl record a JUnit test case shows. */
export type JunitCaseRecord = Pick<
  ScoredRecord,
  'suite' | 'variant' | 'case_id' | 'index' | 'expected' | 'output' | 'error' | 'correct' | 'latency_ms'
>;

/** Outputs and errors are shown whole up to this many characters: a runaway answer must not bloat the report. */
const MAX_TEXT = 2_000;

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates):
 * replaced, so a model's stray byte never makes the whole report unreadable to a CI test reporter.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being replaced
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}

/** Element text: `]]>` cannot end anything either, since `>` is escaped too. */
export function xmlText(text: string): string {
  return text
    .replace(NOT_XML_CHARACTER, '\uFFFD')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** An attribute value: also quotes, and line breaks and tabs as references (a parser would fold them to spaces). */
export function xmlAttribute(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

interface TestCase {
  name: string;
  time: number;
  outcome?: { kind: 'failure' | 'error'; type: string; message: string; body: string };
}

interface TestSuite {
  name: string;
  cases: TestCase[];
}

function renderCase(test: TestCase, classname: string): string {
  const head = `    <testcase name="${xmlAttribute(test.name)}" classname="${xmlAttribute(classname)}" time="${seconds(test.time)}"`;
  if (!test.outcome) return `${head}/>`;
  const { kind, type, message, body } = test.outcome;
  return `${head}>\n      <${kind} message="${xmlAttribute(clip(message))}" type="${type}">${xmlText(clip(body))}</${kind}>\n    </testcase>`;
}

function renderSuite(suite: TestSuite, timestamp: string): string {
  const failures = suite.cases.filter((c) => c.outcome?.kind === 'failure').length;
  const errors = suite.cases.filter((c) => c.outcome?.kind === 'error').length;
  const time = suite.cases.reduce((sum, c) => sum + c.time, 0);
  const classname = suite.name.replace(/\//g, '.');
  return [
    `  <testsuite name="${xmlAttribute(suite.name)}" tests="${suite.cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(time)}" timestamp="${xmlAttribute(timestamp)}">`,
    ...suite.cases.map((test) => renderCase(test, classname)),
    '  </testsuite>',
  ].join('\n');
}

function caseTest(record: JunitCaseRecord): TestCase {
  const base = { name: record.case_id, time: record.latency_ms ?? 0 };
  if (record.error !== null) {
    return { ...base, outcome: { kind: 'error', type: 'call-failed', message: record.error, body: record.error } };
  }
  if (record.correct) return base;
  const expected = shown(record.expected);
  const output = record.output ?? '';
  return {
    ...base,
    outcome: {
      kind: 'failure',
      type: 'wrong-answer',
      message: `expected ${expected}, got ${output}`,
      body: `expected: ${expected}\noutput: ${output}`,
    },
  };
}

/** One test case per threshold of each variant and one for the verdict: a failure where the run fails. */
function gateSuite(suite: SuiteResult): TestSuite {
  const cases: TestCase[] = Object.entries(suite.variants).flatMap(([variant, result]) =>
    result.thresholds.map((t) => {
      const name = `${variant}: ${thresholdLabel(t.metric, t.op, t.limit)}`;
      const measured = `${t.metric} ${thresholdValue(t.metric, t.actual)}`;
      return t.pass
        ? { name, time: 0 }
        : { name, time: 0, outcome: { kind: 'failure', type: 'threshold', message: `${measured}`, body: measured } };
    }),
  );
  const { verdict } = suite;
  const reasons = verdict.reasons.join('\n');
  cases.push(
    verdict.fails
      ? {
          name: 'verdict',
          time: 0,
          outcome: {
            kind: 'failure',
            type: 'verdict',
            message: `verdict ${verdict.decision} fails the run`,
            body: reasons,
          },
        }
      : { name: 'verdict', time: 0 },
  );
  return { name: `${suite.name}/gates`, cases };
}

/**
 * JUnit XML of a run: a <testsuite> per suite × variant with a <testcase> per case (a failure when the answer
 * is wrong, an error when the call failed), and per suite a `gates` testsuite (thresholds and verdict).
 */
export function renderJunit(results: RunResults, records: Iterable<JunitCaseRecord>): string {
  const byVariant = new Map<string, { index: number; test: TestCase }[]>();
  for (const suite of results.suites) {
    for (const variant of Object.keys(suite.variants)) byVariant.set(`${suite.name}/${variant}`, []);
  }
  for (const record of records) {
    byVariant.get(`${record.suite}/${record.variant}`)?.push({ index: record.index, test: caseTest(record) });
  }
  const suites: TestSuite[] = results.suites.flatMap((suite) => [
    ...Object.keys(suite.variants).map((variant) => {
      const name = `${suite.name}/${variant}`;
      const tests = (byVariant.get(name) ?? []).sort((a, b) => a.index - b.index).map((entry) => entry.test);
      return { name, cases: tests };
    }),
    gateSuite(suite),
  ]);
  const all = suites.flatMap((suite) => suite.cases);
  const count = (kind: 'failure' | 'error') => all.filter((c) => c.outcome?.kind === kind).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tunegate" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}" skipped="0" time="${seconds(results.duration_ms)}">`,
    ...suites.map((suite) => renderSuite(suite, results.started_at)),
    '</testsuites>',
    '',
  ].join('\n');
}
