import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { log } from '../../src/github/log.js';
import {
  annotateProblems,
  commentPointer,
  headline,
  summaryPointer,
  writeJobSummary,
} from '../../src/github/publish.js';
import { renderMarkdownBlocks } from '../../src/report/markdown.js';
import { comparedResults, HOSTILE, hostileResults } from '../report/fixtures.js';

/** What the code under test writes to stdout, where the runner reads workflow commands. */
function captureStdout(): { lines: () => string[] } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return { lines: () => chunks.join('').split('\n') };
}

describe('the Action’s log', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('carries no workflow command and no escape from data, only its own annotations', () => {
    const output = captureStdout();
    const results = hostileResults();
    log.info(headline(results));
    log.info(`Suite ${HOSTILE.suite}: no changed file touches it; skipped.`);
    log.info(`${new Date(0).toISOString()} ${HOSTILE.text}`);
    log.warning(`Training for ${HOSTILE.suite} not triggered: ${HOSTILE.text}`);
    annotateProblems(
      [{ code: HOSTILE.variant, message: HOSTILE.text, file: 'evals/x.yaml', line: 1, col: 2 }],
      '/repo',
      '/repo',
    );
    const lines = output.lines();
    expect(lines.join('\n')).toContain('INJECTED');
    const commands = lines.filter((line) => /^\s*::/.test(line));
    expect(commands.map((line) => line.slice(0, line.indexOf('::', 2) + 2))).toEqual([
      '::warning::',
      '::error title=tunegate %3A%3Awarning title=INJECTED%3A%3Avariant ⏎ %3A%3Aerror%3A%3Asecond line,file=evals/x.yaml,line=1,col=2::',
    ]);
    for (const line of lines) {
      expect(line).not.toContain('##[');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it('goes through the escaping logger everywhere in the Action', () => {
    const dir = join(import.meta.dirname, '..', '..', 'src', 'github');
    const direct = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && file !== 'log.ts')
      .filter((file) =>
        /\bcore\.(info|notice|warning|error|debug|setFailed)\(/.test(readFileSync(join(dir, file), 'utf8')),
      );
    expect(direct).toEqual([]);
  });
});

describe('writeJobSummary', () => {
  let dir: string;
  let summaryFile: string;
  const saved = process.env.GITHUB_STEP_SUMMARY;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tunegate-summary-'));
    summaryFile = join(dir, 'step_summary');
    // @actions/core reads the path once, so every test writes to this one file.
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
  });
  afterAll(async () => {
    process.env.GITHUB_STEP_SUMMARY = saved;
    await rm(dir, { recursive: true, force: true });
  });

  const multilingual = (i: number) =>
    `**карта_и_ПИН** №${i}: «Где моя карта & ПИН-код? Жду <две> недели & дольше!» `.repeat(4);

  it('keeps the step’s summary within GitHub’s 1 MiB, counting what the step wrote before', async () => {
    await writeFile(summaryFile, 'x'.repeat(10_000));
    const pointer = summaryPointer('tunegate-results');
    const trimmed = await writeJobSummary(renderMarkdownBlocks(comparedResults(10, { text: multilingual })), pointer);
    expect(trimmed).toBe(true);
    expect((await stat(summaryFile)).size).toBeLessThanOrEqual(1_048_576);
    expect((await stat(summaryFile)).size).toBeGreaterThan(1_000_000);
    const text = await readFile(summaryFile, 'utf8');
    expect(text.trimEnd().endsWith(pointer)).toBe(true);
    expect(pointer).toBe(
      '_… trimmed to stay within GitHub’s 1 MiB job summary: the full report is summary.md in the `tunegate-results` artifact._',
    );
  });

  it('writes a report that fits as it is', async () => {
    await writeFile(summaryFile, '');
    expect(await writeJobSummary(renderMarkdownBlocks(comparedResults(3)))).toBe(false);
    expect(await readFile(summaryFile, 'utf8')).toContain(
      '<details><summary>finetuned-2: 100 cases went wrong → right',
    );
  });
});

describe('commentPointer', () => {
  it('sends the reader to the job summary only when the summary holds the whole report', () => {
    expect(commentPointer('tunegate-results', false)).toBe(
      '_… truncated: the full report is in the job summary and summary.md in the `tunegate-results` artifact._',
    );
    const summaryTrimmed = commentPointer('tunegate-results', true);
    expect(summaryTrimmed).not.toContain('in the job summary');
    expect(summaryTrimmed).toContain('summary.md in the `tunegate-results` artifact');
    expect(commentPointer(undefined, true)).toContain('summary.md in the results directory');
  });
});
