import { relative, resolve } from 'node:path';
import { caseIdsOf, filterCases } from '../dataset/source.js';
import { TunegateError } from '../errors.js';
import { hash32 } from '../hash.js';
import { compareIds, idsHash } from '../history/bitset.js';
import type { SuiteWithCases } from './validate.js';

/**
 * Sharding a run across machines: `--shard K/N` evaluates only the cases whose id hashes to shard K.
 * The hash reads nothing but the case id, so a case lands in the same shard for every variant, every
 * suite and every runner, and `merge` can put the shards back together (see merge.ts).
 */

/** Which shard of how many, 1 ≤ index ≤ count. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What a shard's results.json says about it, so merge can check the shards are complete and alike. */
export interface ShardStamp extends ShardSpec {
  /** sha256 over every suite's name and full (unsharded) case ids: the same for every shard of one run. */
  suite_case_ids_hash: string;
  /** The suite files, relative to the directory the shard ran in: merge loads them again. */
  suite_files: string[];
}

/** Parses `K/N`; anything else is a usage error that says what is expected. */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new TunegateError('usage', `--shard expects K/N with 1 ≤ K ≤ N (e.g. 2/4), got "${text}"`);
  }
  return { index, count };
}

/** The shard (1-based) a case belongs to among `count`. */
export function shardOfCase(caseId: string, count: number): number {
  return (hash32(0, caseId) % count) + 1;
}

/** Names every suite's full case list at once: shards of one run agree on it, shards of different runs do not. */
export function suiteCaseIdsHash(inputs: readonly SuiteWithCases[]): string {
  const named = [...inputs]
    .sort((a, b) => compareIds(a.suite.name, b.suite.name))
    .map(({ suite, cases }) => `${suite.name}\u0000${caseIdsOf(cases).join('\u0000')}`);
  return idsHash(named);
}

export function shardStamp(inputs: readonly SuiteWithCases[], shard: ShardSpec, cwd: string): ShardStamp {
  return {
    index: shard.index,
    count: shard.count,
    suite_case_ids_hash: suiteCaseIdsHash(inputs),
    suite_files: inputs.map(({ suite }) => relative(cwd, resolve(cwd, suite.file))),
  };
}

/**
 * The suites with only the shard's cases, indexed anew (a case's index is its position in the list the
 * run evaluates; merge maps ids back to the full list). The rows training may use stay whole, as the
 * verdict counts them.
 */
export function selectShard(inputs: readonly SuiteWithCases[], shard: ShardSpec): SuiteWithCases[] {
  return inputs.map((input) => ({
    ...input,
    cases: filterCases(input.cases, (c) => shardOfCase(c.id, shard.count) === shard.index),
  }));
}
