import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countBits, decodeBits, encodeBits, idsHash } from '../../src/history/bitset.js';
import { suiteReferences } from '../../src/history/select.js';
import { appendHistoryFile, readHistoryFile } from '../../src/history/store.js';
import { appendRuns, type HistoryEntry, parseHistory, pruneHistory } from '../../src/history/text.js';
import type { HistoryRun } from '../../src/history/types.js';
import { tempDir } from '../e2e/helpers.js';

const IDS = ['a', 'b', 'c'];
const HASH = idsHash(IDS);

function run(suite: string, day: number, extra: Partial<HistoryRun> = {}): HistoryRun {
  return {
    kind: 'run',
    version: 1,
    suite,
    run_id: `${suite}-${day}`,
    date: `2026-01-${String(day).padStart(2, '0')}T02:00:00.000Z`,
    commit: null,
    event: 'schedule',
    run_url: null,
    cache_mode: 'refresh',
    simulated: true,
    accepted: false,
    verdict: 'switch',
    drift: 'none',
    ids_hash: HASH,
    variants: {
      ft: {
        model: 'm',
        n: 3,
        errors: 0,
        accuracy: 2 / 3,
        accuracy_ci: [0.2, 0.94],
        latency_p50_ms: 10,
        latency_p95_ms: 20,
        cost_per_1k_usd: 0.1,
        correct: encodeBits([1, 1, 0]),
        answered: encodeBits([1, 1, 1]),
        passed: true,
      },
    },
    ...extra,
  };
}

const entry = (r: HistoryRun, ids: readonly string[] = IDS): HistoryEntry => ({ run: r, ids });

describe('bitsets', () => {
  it('round-trip flags of any length and count them', () => {
    const flags = Uint8Array.from({ length: 21 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const text = encodeBits(flags);
    expect(text).toHaveLength(4); // 3 bytes
    expect(decodeBits(text, 21)).toEqual(flags);
    expect(countBits(text)).toBe(7);
    expect(decodeBits(text, 30)).toBeNull();
  });
});

describe('parseHistory', () => {
  it('reads runs and ids, and reports every unreadable line with its number without stopping', () => {
    const good = appendRuns('', [entry(run('s', 1, { accepted: true }))]);
    const text = `${good}{"kind":"run",\n\n[1,2]\n{"kind":"run","version":2,"suite":"s"}\n{"kind":"run","version":1,"suite":"s"}\n${JSON.stringify(run('s', 2))}\n`;
    const history = parseHistory(text, 'h.jsonl');
    expect(history.runs.map((r) => r.run_id)).toEqual(['s-1', 's-2']);
    expect(history.ids.get(HASH)).toEqual(IDS);
    expect(history.problems.map((p) => [p.line, p.code])).toEqual([
      [3, 'history-corrupt'],
      [5, 'history-corrupt'],
      [6, 'history-version'],
      [7, 'history-corrupt'],
    ]);
    expect(history.problems[0]?.message).toMatch(/^not valid JSON .*; the line is skipped \(fix or delete it\)$/);
    expect(history.problems[2]?.message).toMatch(/newer tunegate \(history version 2; this one reads 1\)/);
    expect(history.problems[3]?.message).toMatch(/without a valid "run_id"/);
  });

  it('keeps a run whose case list is missing in the trend, and says it cannot be paired', () => {
    const history = parseHistory(`${JSON.stringify(run('s', 1))}\n`);
    expect(history.runs).toHaveLength(1);
    expect(history.problems).toEqual([expect.objectContaining({ line: 1, code: 'history-ids' })]);
  });
});

describe('appendRuns', () => {
  it('keeps every existing line as it is and writes a case list once per hash', () => {
    const start = '{"not json\n{"kind":"run","version":9}';
    const once = appendRuns(start, [entry(run('s', 1)), entry(run('t', 1))]);
    expect(once.startsWith(`${start}\n`)).toBe(true);
    const twice = appendRuns(once, [entry(run('s', 2))]);
    expect(twice.split('\n').filter((l) => l.includes('"kind":"ids"'))).toHaveLength(1);
    expect(parseHistory(twice).runs.map((r) => r.run_id)).toEqual(['s-1', 't-1', 's-2']);
  });
});

describe('pruneHistory', () => {
  it('keeps the newest N runs per suite and each variant’s accepted reference, and says what went', () => {
    const runs = [
      run('s', 1, { accepted: true, accepted_reason: 'first' }),
      ...[2, 3, 4, 5].map((d) => run('s', d)),
      run('t', 1),
      run('t', 2),
    ];
    const text = `{"kind":"run","version":7}\n${appendRuns(
      '',
      runs.map((r) => entry(r)),
    )}`;
    const { text: pruned, pruned: notes } = pruneHistory(text, 2);
    const kept = parseHistory(pruned);
    expect(kept.runs.map((r) => r.run_id)).toEqual(['s-1', 's-4', 's-5', 't-1', 't-2']);
    expect(notes).toEqual([{ suite: 's', removed: 2, from: runs[1]?.date, through: runs[2]?.date, kept: 3 }]);
    // The newer version's line and the case list stay.
    expect(pruned.startsWith('{"kind":"run","version":7}\n')).toBe(true);
    expect(kept.ids.get(HASH)).toEqual(IDS);
    expect(suiteReferences(kept).get('s')?.against?.run_id).toBe('s-1');
    expect(pruneHistory(text, 5)).toEqual({ text, pruned: [] });
  });

  it('drops a case list no kept run uses', () => {
    const old = run('s', 1, { ids_hash: idsHash(['x']) });
    const text = appendRuns('', [entry(old, ['x']), entry(run('s', 2)), entry(run('s', 3))]);
    const { text: pruned } = pruneHistory(text, 2);
    expect(pruned).not.toContain('"ids":["x"]');
    expect(parseHistory(pruned).problems).toEqual([]);
  });
});

describe('suiteReferences', () => {
  it('finds each variant’s latest accepted run; a promotion replaces only its variant and measures no drift', () => {
    const first = run('s', 1, { accepted: true, accepted_reason: 'first' });
    const ft = first.variants.ft as NonNullable<HistoryRun['variants'][string]>;
    first.variants = { ft, prompted: { ...ft, model: 'big' } };
    const drifting = run('s', 2, { drift: 'drift' });
    const promotion = run('s', 3, { accepted: true, accepted_reason: 'promotion', drift: 'none' });
    const reference = suiteReferences(
      parseHistory(
        appendRuns(
          '',
          [first, drifting, promotion].map((r) => entry(r)),
        ),
      ),
    ).get('s');
    expect(reference?.against?.run_id).toBe('s-3');
    expect(reference?.variants.get('ft')?.run.run_id).toBe('s-3');
    expect(reference?.variants.get('prompted')?.run.run_id).toBe('s-1');
    expect(reference?.previous).toBe('drift');
    // A run accepted by hand ends the drift it showed: the next run is not "recovered".
    const accepted = run('s', 4, { drift: 'drift', accepted: true, accepted_reason: 'manual' });
    const after = suiteReferences(
      parseHistory(
        appendRuns(
          '',
          [first, accepted].map((r) => entry(r)),
        ),
      ),
    ).get('s');
    expect(after?.previous).toBe('none');
  });
});

describe('the history file', () => {
  it('appends after a last line without a newline, and prunes past history-keep', async () => {
    const path = join(await tempDir('tunegate-hist-'), 'deep', 'history.jsonl');
    let notes = await appendHistoryFile(path, await readHistoryFile(path), [entry(run('s', 1, { accepted: true }))], 2);
    expect(notes).toEqual([]);
    await writeFile(path, (await readFile(path, 'utf8')).trimEnd());
    for (const day of [2, 3, 4])
      notes = await appendHistoryFile(path, await readHistoryFile(path), [entry(run('s', day))], 2);
    const history = await readHistoryFile(path);
    expect(history.problems).toEqual([]);
    expect(history.runs.map((r) => r.run_id)).toEqual(['s-1', 's-3', 's-4']);
    expect(notes).toEqual([expect.objectContaining({ suite: 's', removed: 1, kept: 3 })]);
  });

  it('loads 365 runs × 4 suites × 4 variants of 1,000 cases (printing how long it took)', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `case-${i}`);
    const hash = idsHash(ids);
    const flags = Uint8Array.from(ids, (_, i) => (i % 10 === 0 ? 0 : 1));
    const template = run('s', 1).variants.ft as NonNullable<HistoryRun['variants'][string]>;
    const variant = { ...template, n: 1000, correct: encodeBits(flags), answered: encodeBits(ids.map(() => 1)) };
    const entries: HistoryEntry[] = [];
    for (let day = 0; day < 365; day++) {
      for (const suite of ['a', 'b', 'c', 'd']) {
        const r = run(suite, 1, { run_id: `${suite}-${day}`, ids_hash: hash, accepted: day === 0 });
        r.variants = { v1: variant, v2: variant, v3: variant, v4: variant };
        entries.push(entry(r, ids));
      }
    }
    const path = join(await tempDir('tunegate-hist-'), 'history.jsonl');
    await writeFile(path, appendRuns('', entries));
    const started = performance.now();
    const history = await readHistoryFile(path);
    const references = suiteReferences(history);
    const seconds = (performance.now() - started) / 1000;
    expect(history.runs).toHaveLength(1460);
    expect(references.get('c')?.against?.run_id).toBe('c-0');
    console.info(
      `history: ${(Buffer.byteLength(await readFile(path, 'utf8')) / 1e6).toFixed(1)} MB, 1,460 runs read in ${(seconds * 1000).toFixed(0)} ms`,
    );
  });
});
