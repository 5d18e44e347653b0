import { join, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { mergeShards } from '../api/merge.js';
import { readReferenceResults } from '../api/reference.js';
import type { ShardSpec } from '../api/shard.js';
import { TunegateError } from '../errors.js';
import { RESULTS_FILE } from '../report/files.js';
import { renderMarkdownBlocks } from '../report/markdown.js';
import { type MarkdownBlock, textBlock } from '../report/markdown-blocks.js';
import { VERSION } from '../version.js';
import { Input } from './constants.js';
import type { RunContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import { log } from './log.js';
import { gateStep, publishReport } from './report-run.js';

/** The artifact a shard uploads: the run's name and which shard, so the merge job downloads them by pattern. */
export function shardArtifactName(artifact: string | undefined, shard: ShardSpec): string | undefined {
  return artifact ? `${artifact}-shard-${shard.index}-of-${shard.count}` : undefined;
}

/** The shards' directories: globs expanded (directories only), plain paths as given. */
async function shardDirectories(patterns: readonly string[], workdir: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (!isDynamicPattern(pattern)) {
      dirs.push(resolve(workdir, pattern));
      continue;
    }
    const matches = await glob([pattern], { cwd: workdir, onlyDirectories: true, absolute: true });
    dirs.push(...matches.map((dir) => dir.replace(/\/$/, '')).sort());
  }
  if (dirs.length === 0) {
    throw new TunegateError(
      'input',
      `input "${Input.shards}": no directory matches ${patterns.join(', ')}; download the shards' artifacts there first ` +
        '(actions/download-artifact with pattern: <artifact>-shard-* and path: tunegate-shards)',
    );
  }
  return dirs;
}

/**
 * `command: merge`: the results of the shard jobs joined into the run they make up, then reported (one
 * sticky comment, the job summary, the artifact) and gated exactly as an unsharded evaluation would be.
 */
export async function mergeAndReport(inputs: ActionInputs, context: RunContext, workdir: string): Promise<void> {
  const dirs = await shardDirectories(inputs.shards, workdir);
  log.info(`Merging ${dirs.length} shard result(s): ${dirs.map((dir) => relative(workdir, dir) || '.').join(', ')}`);
  const outDir = resolve(workdir, inputs.out);
  const results = await mergeShards({
    outDir,
    dirs,
    cwd: workdir,
    env: process.env,
    version: VERSION,
    ...(inputs.reference ? { reference: await readReferenceResults(resolve(workdir, inputs.reference)) } : {}),
  });
  await publishReport(renderMarkdownBlocks(results), results, {
    inputs,
    context,
    workdir,
    outDir,
    artifact: inputs.artifact,
    comment: true,
  });
  gateStep(results, join(outDir, RESULTS_FILE), { failOn: inputs.failOn });
}

/** Leads a shard's job summary: its figures rest on part of the cases; the merge job reports the run. */
export function shardNote(shard: ShardSpec): MarkdownBlock {
  return textBlock([
    `> [!NOTE]`,
    `> Shard ${shard.index} of ${shard.count}: the figures and verdict below rest on this shard's cases only. The job with \`command: merge\` reports, comments and gates the whole run.`,
    '',
  ]);
}
