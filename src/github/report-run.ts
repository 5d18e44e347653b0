import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { type GatePolicy, gate } from '../api/gate.js';
import { writeJunitFile } from '../api/junit.js';
import { TunegateError } from '../errors.js';
import { type MarkdownBlock, renderBlocks } from '../report/markdown-blocks.js';
import type { RunResults } from '../report/types.js';
import { commentMarker, fitCommentBody, upsertStickyComment } from './comment.js';
import { Output } from './constants.js';
import type { RunContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import { log } from './log.js';
import { commentPointer, headline, setResultOutputs, summaryPointer, writeJobSummary } from './publish.js';
import { uploadResults } from './storage.js';

/** Posts (or updates) the one sticky comment of this workflow and comment-key on the pull request. */
async function postComment(
  blocks: readonly MarkdownBlock[],
  pointer: string,
  inputs: ActionInputs,
  context: RunContext,
): Promise<void> {
  if (!context.pullRequest || !inputs.comment || !inputs.githubToken) return;
  const marker = commentMarker(context.workflow, inputs.commentKey);
  const body = fitCommentBody(blocks, marker, { pointer });
  try {
    const octokit = github.getOctokit(inputs.githubToken);
    const target = { owner: context.owner, repo: context.repo, issue_number: context.pullRequest.number };
    const { action, url, notes } = await upsertStickyComment(octokit, target, marker, body);
    for (const note of notes) log.info(`Pull-request comment: ${note}.`);
    log.info(`Pull-request comment ${action}: ${url}`);
    core.setOutput(Output.commentUrl, url);
  } catch (error) {
    // A missing permission must not hide the results: they are in the summary and the artifact.
    log.warning(error instanceof TunegateError ? error.message : `could not comment: ${(error as Error).message}`);
  }
}

export interface PublishTarget {
  inputs: ActionInputs;
  context: RunContext;
  workdir: string;
  outDir: string;
  /** The artifact the results directory is uploaded as ('' or undefined: none). */
  artifact: string | undefined;
  /** Post the sticky comment (a shard does not: the merge job posts the one comment of the run). */
  comment: boolean;
}

/**
 * Where a run's report goes, for an evaluation and a merge of shards alike: summary.md in the results
 * directory, the JUnit file when asked, the job summary, the pull-request comment and the artifact.
 */
export async function publishReport(blocks: readonly MarkdownBlock[], results: RunResults, target: PublishTarget) {
  const { inputs, outDir } = target;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'summary.md'), renderBlocks(blocks));
  if (inputs.junit) await writeJunitFile(resolve(target.workdir, inputs.junit), results, outDir);
  const summaryTrimmed = await writeJobSummary(blocks, summaryPointer(target.artifact));
  if (target.comment)
    await postComment(blocks, commentPointer(target.artifact, summaryTrimmed), inputs, target.context);
  if (target.artifact) await uploadResults(target.artifact, outDir);
}

/** The outputs, the headline in the log, and the step failed when the policy's gates failed. */
export function gateStep(results: RunResults, resultsPath: string, policy: GatePolicy): void {
  const failed = gate(results, policy).failures;
  setResultOutputs(results, resultsPath, failed.length === 0);
  core.setOutput(Output.status, 'completed');
  log.info(headline(results));
  if (failed.length > 0) log.failed(`tunegate: ${failed.join('; ')}`);
}
