import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TunegateError } from '../errors.js';
import { RESULTS_FILE } from '../report/files.js';
import type { RunResults } from '../report/types.js';
import type { ShardStamp } from './shard.js';

/** One shard's folder as merge reads it. */
export interface ShardRun {
  dir: string;
  results: RunResults;
  stamp: ShardStamp;
}

function mergeError(lines: string[]): TunegateError {
  return new TunegateError('merge', `cannot merge the shards:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

async function readShard(dir: string): Promise<ShardRun | string> {
  const path = join(dir, RESULTS_FILE);
  let results: RunResults;
  try {
    results = JSON.parse(await readFile(path, 'utf8')) as RunResults;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return `${path}:1:1 ${missing ? 'not found: is DIR the --out of a sharded run?' : 'not valid JSON'}`;
  }
  if (results?.schema_version !== 1 || !Array.isArray(results.suites)) {
    return `${path}:1:1 not a tunegate results.json`;
  }
  if (!results.shard) return `${path}:1:1 not one shard of a run: run it with --shard K/N`;
  return { dir, results, stamp: results.shard };
}

/**
 * Reads every shard's results.json and checks they are the N shards of one run, each exactly once:
 * a missing or repeated shard, shards of other suites or another N are errors that name them.
 */
export async function readShards(dirs: readonly string[]): Promise<ShardRun[]> {
  const read = await Promise.all(dirs.map(readShard));
  const unreadable = read.filter((r): r is string => typeof r === 'string');
  if (unreadable.length > 0) throw mergeError(unreadable);
  const shards = read as ShardRun[];
  const [first] = shards;
  if (!first) throw mergeError(['no shard folders given: tunegate merge OUT DIR...']);
  const problems: string[] = [];
  const { count, suite_case_ids_hash: hash } = first.stamp;
  for (const shard of shards.slice(1)) {
    if (shard.stamp.count !== count) {
      problems.push(`${shard.dir} is shard ${shard.stamp.index}/${shard.stamp.count}, ${first.dir} is of ${count}`);
    } else if (shard.stamp.suite_case_ids_hash !== hash) {
      problems.push(`${shard.dir} ran other suites or cases than ${first.dir}: shards of one run must be merged`);
    }
  }
  if (problems.length > 0) throw mergeError(problems);
  for (let index = 1; index <= count; index++) {
    const found = shards.filter((s) => s.stamp.index === index);
    if (found.length === 0) problems.push(`shard ${index}/${count} is missing`);
    if (found.length > 1) problems.push(`shard ${index}/${count} appears twice: ${found.map((s) => s.dir).join(', ')}`);
  }
  if (problems.length > 0) throw mergeError(problems);
  return shards.sort((a, b) => a.stamp.index - b.stamp.index);
}
