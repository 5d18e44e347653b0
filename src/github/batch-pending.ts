import * as core from '@actions/core';
import type { BatchPendingError } from '../api/batch-run.js';
import { escapeMarkdownInline } from '../report/escape.js';
import { Output } from './constants.js';
import { log } from './log.js';
import { writeJobSummary } from './publish.js';

/**
 * Batches still running are not a failure: the step says `status: pending` with a notice and a summary, and
 * leaves the collecting to a later run (the next scheduled one), which finds the batches recorded in the
 * response cache (saved by the caller).
 */
export async function reportPending(error: BatchPendingError): Promise<void> {
  const message = `tunegate submitted its calls as batches, which are not finished yet; a later run with batch: true collects them and reports (batch: wait waits for them instead).`;
  log.notice(message);
  const rows = error.pending.map(
    (b) =>
      `- ${escapeMarkdownInline(`${b.provider} ${b.model}: ${b.batch_id} ${b.status} (${b.completed}/${b.total})`)}`,
  );
  await writeJobSummary(`## tunegate\n\n> [!NOTE]\n> ${message}\n\n${rows.join('\n')}\n`);
  core.setOutput(Output.status, 'pending');
  core.setOutput(Output.passed, 'true');
  core.setOutput(Output.verdicts, '{}');
}
