import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { parseHistory } from '../history/text.js';
import type { RunResults } from '../report/types.js';
import type { GitHubClient } from './comment.js';
import { Output } from './constants.js';
import { type AlertRepository, syncDriftAlert } from './drift-alert.js';
import { alertBody, alertRunMarker, alertTitle, type DriftFlips, recoveredComment } from './drift-alert-body.js';
import { describeFlips, flipsSinceReference } from './drift-flips.js';
import { log } from './log.js';

export interface DriftReportOptions {
  /** Without a client (no token, a pull request) the outputs are set and no issue is written. */
  client: GitHubClient | undefined;
  repository: AlertRepository;
  /** The history after this run (local copy), for the cases that flipped since the reference. */
  historyPath: string | undefined;
  casesPath: string;
  commit: string | null;
  runUrl: string | null;
  /** The workflow run's id (the same for every attempt). */
  runId: string | null;
  dashboardUrl: string | null;
  /** The run was made with `accept: true`. */
  accepted: boolean;
}

/**
 * The outputs `drift` (suite → status) and `alert-url`, and each suite's alert issue opened, updated or
 * closed. An issue GitHub refuses is a warning naming the permission; the other suites go on.
 */
export async function reportDrift(results: RunResults, options: DriftReportOptions): Promise<void> {
  const measured = results.suites.filter((suite) => suite.drift);
  core.setOutput(Output.drift, JSON.stringify(Object.fromEntries(measured.map((s) => [s.name, s.drift?.status]))));
  let alertUrl: string | undefined;
  const { client } = options;
  if (client && measured.length > 0) {
    const flips = await suiteFlips(results, options);
    for (const suite of measured) {
      const drift = suite.drift as NonNullable<typeof suite.drift>;
      const facts = { suite: suite.name, commit: options.commit, date: results.finished_at, runUrl: options.runUrl };
      try {
        const outcome = await syncDriftAlert(client, options.repository, {
          suite: suite.name,
          status: drift.status,
          title: alertTitle(suite.name),
          body:
            drift.status === 'drift'
              ? alertBody({
                  ...facts,
                  drift,
                  dashboardUrl: options.dashboardUrl,
                  flips: flips.get(suite.name) ?? {},
                  runId: options.runId,
                })
              : '',
          ...(options.runId ? { runMarker: alertRunMarker(options.runId) } : {}),
          recovered: recoveredComment({ ...facts, accepted: options.accepted }),
        });
        for (const note of outcome.notes) log.info(`Drift alert of ${suite.name}: ${note}.`);
        if (outcome.action === 'none') continue;
        log.info(`Drift alert of ${suite.name} ${outcome.action}: ${outcome.url}`);
        alertUrl ??= outcome.url;
      } catch (error) {
        log.warning((error as Error).message);
      }
    }
  }
  core.setOutput(Output.alertUrl, alertUrl ?? '');
}

async function suiteFlips(results: RunResults, options: DriftReportOptions) {
  if (!options.historyPath || !results.suites.some((s) => s.drift?.status === 'drift')) {
    return new Map<string, Record<string, DriftFlips>>();
  }
  const history = parseHistory(await readFile(options.historyPath, 'utf8').catch(() => ''));
  const flips = flipsSinceReference(history, results);
  await describeFlips(options.casesPath, flips);
  return flips;
}
