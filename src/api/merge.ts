import { join, resolve } from 'node:path';
import { formatProblem, TunegateError } from '../errors.js';
import { CASES_FILE, type CaseLine, readCases } from '../report/cases-file.js';
import { stageRun } from '../report/run-folder.js';
import type { RunResults } from '../report/types.js';
import { readShards, type ShardRun } from './merge-check.js';
import type { ReferenceResults } from './reference.js';
import { suiteCaseIdsHash } from './shard.js';
import { measureSuites, openTally, type SuiteTally, tallyRecord } from './suite-tally.js';
import { validateSuites } from './validate.js';

export interface MergeOptions {
  /** Where the merged results.json and cases.jsonl are published. */
  outDir: string;
  /** The shards' out dirs, one per shard. */
  dirs: readonly string[];
  /** The suite files the shards name are relative to it. */
  cwd: string;
  env: Record<string, string | undefined>;
  version: string;
  /** As for `run --reference`: the accepted measurements a fine-tuned variant is checked against. */
  reference?: ReferenceResults;
}

/** The suites the shards ran, loaded again: their full case lists must be the ones the shards split. */
async function loadShardedSuites(first: ShardRun, options: MergeOptions) {
  const files = first.stamp.suite_files.map((file) => resolve(options.cwd, file));
  const validation = await validateSuites(files, { cwd: options.cwd, env: options.env, requireApiKeys: false });
  if (validation.problems.length > 0) {
    throw new TunegateError('merge', validation.problems.map(formatProblem).join('\n'), {
      problems: validation.problems,
    });
  }
  if (suiteCaseIdsHash(validation.suites) !== first.stamp.suite_case_ids_hash) {
    throw new TunegateError(
      'merge',
      `the suites (${first.stamp.suite_files.join(', ')}) or their datasets changed since the shards ran; ` +
        'merge from the commit the shards ran on',
    );
  }
  return validation.suites;
}

/** Where a case × variant was first seen, to name duplicates across shards. */
type Seen = Map<string, string>;

/** Adds a shard's records to the tallies and the merged cases.jsonl, with their index in the full case list. */
async function mergeShardCases(
  shard: ShardRun,
  tallies: Map<string, { tally: SuiteTally; indexById: Map<string, number> }>,
  seen: Seen,
  write: (line: CaseLine) => Promise<void>,
): Promise<void> {
  const problems: string[] = [];
  let writing = Promise.resolve();
  await readCases(join(shard.dir, CASES_FILE), (line) => {
    const { run_id: _runId, ...record } = line;
    const entry = tallies.get(record.suite);
    const index = entry?.indexById.get(record.case_id);
    const key = `${record.suite}\u0000${record.variant}\u0000${record.case_id}`;
    if (!entry || index === undefined) {
      problems.push(`${shard.dir}: case ${record.case_id} of suite ${record.suite} is not in the suites`);
      return;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(
        `case ${record.case_id} (${record.suite}/${record.variant}) appears twice: ${earlier}, ${shard.dir}`,
      );
      return;
    }
    seen.set(key, shard.dir);
    const indexed = { ...record, index };
    if (!tallyRecord(entry.tally, index, indexed)) {
      problems.push(`${shard.dir}: variant ${record.variant} is not in suite ${record.suite}`);
      return;
    }
    writing = writing.then(() => write(indexed));
  });
  await writing;
  if (problems.length > 0) throw new TunegateError('merge', `cannot merge the shards:\n  ${problems.join('\n  ')}`);
}

/**
 * Joins the shards of a run (`run --shard K/N` on N machines) into the results.json, cases.jsonl and
 * verdict the unsharded run would have written: every metric, paired comparison and verdict is
 * recomputed from the merged per-case records by the same code a run uses (suite-tally.ts).
 */
export async function mergeShards(options: MergeOptions): Promise<RunResults> {
  const shards = await readShards(options.dirs);
  const first = shards[0] as ShardRun;
  const inputs = await loadShardedSuites(first, options);
  const tallies = new Map(
    inputs.map((input) => [
      input.suite.name,
      { tally: openTally(input), indexById: new Map(Array.from(input.cases, (c, i) => [c.id, i])) },
    ]),
  );
  // Shutdown facts were looked up by every shard alike: the first shard's stand for the run.
  for (const suite of first.results.suites) {
    const tally = tallies.get(suite.name)?.tally;
    const entries = Object.entries(suite.variants).flatMap(([name, v]) => (v.lifecycle ? [[name, v.lifecycle]] : []));
    if (tally && entries.length > 0) tally.lifecycle = Object.fromEntries(entries);
  }
  const run = stageRun(options.outDir);
  try {
    const seen: Seen = new Map();
    for (const shard of shards) await mergeShardCases(shard, tallies, seen, (line) => run.cases.write(line));
    await run.cases.close();
    const missing = inputs.flatMap(({ suite, cases }) =>
      suite.variants.flatMap((v) =>
        Array.from(cases)
          .filter((c) => !seen.has(`${suite.name}\u0000${v.name}\u0000${c.id}`))
          .map((c) => `${suite.name}/${v.name}/${c.id}`),
      ),
    );
    if (missing.length > 0) {
      throw new TunegateError(
        'merge',
        `cannot merge the shards: ${missing.length} case(s) have no record in any shard (e.g. ${missing.slice(0, 3).join(', ')})`,
      );
    }
    const startedAt = shards.map((s) => s.results.started_at).sort()[0] as string;
    const finishedAt = shards
      .map((s) => s.results.finished_at)
      .sort()
      .at(-1) as string;
    const measured = await measureSuites(
      [...tallies.values()].map((entry) => entry.tally),
      { casesPath: run.casesPath, referenceOf: (name) => options.reference?.[name], today: startedAt.slice(0, 10) },
    );
    const suites = measured.map((m) => m.result);
    const summaries = shards.map((s) => s.results.summary);
    const total = (pick: (s: RunResults['summary']) => number) => summaries.reduce((sum, s) => sum + pick(s), 0);
    const budgetExhausted = summaries.some((s) => s.budget_exhausted);
    const incomplete = summaries.some((s) => s.incomplete);
    const results: RunResults = {
      schema_version: 1,
      tool: { name: 'tunegate', version: options.version },
      run_id: run.runId,
      started_at: startedAt,
      finished_at: finishedAt,
      duration_ms: Date.parse(finishedAt) - Date.parse(startedAt),
      simulated: suites.some((s) => s.simulated),
      cache_mode: first.results.cache_mode,
      suites,
      summary: {
        calls: total((s) => s.calls),
        errors: total((s) => s.errors),
        cached: total((s) => s.cached),
        spent_usd: total((s) => s.spent_usd),
        cost_usd: {
          evaluation: total((s) => s.cost_usd?.evaluation ?? s.spent_usd),
          fragility: total((s) => s.cost_usd?.fragility ?? 0),
        },
        budget_exhausted: budgetExhausted,
        incomplete,
        recovered: total((s) => s.recovered),
        passed: suites.every((s) => s.passed) && !budgetExhausted && !incomplete,
      },
    };
    await run.publish(results);
    return results;
  } catch (error) {
    await run.discard();
    throw error;
  }
}
