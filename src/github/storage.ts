import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as cache from '@actions/cache';
import { log } from './log.js';

const CACHE_PREFIX = 'tunegate-responses-';

/** Restores the response cache of earlier runs, so unchanged calls cost nothing. Never fails the run. */
export async function restoreResponseCache(dir: string, runId: number): Promise<void> {
  if (!cache.isFeatureAvailable()) {
    log.info('Response cache: the Actions cache service is not available here; every call goes to the model.');
    return;
  }
  try {
    const hit = await cache.restoreCache([dir], `${CACHE_PREFIX}${runId}`, [CACHE_PREFIX]);
    log.info(hit ? `Response cache restored from ${hit}.` : 'Response cache: nothing saved yet.');
  } catch (error) {
    log.warning(`Response cache not restored: ${(error as Error).message}`);
  }
}

/** Saves the response cache under a key of this run (entries are content-addressed, so keys never clash). */
export async function saveResponseCache(dir: string, runId: number): Promise<void> {
  if (!cache.isFeatureAvailable()) return;
  try {
    await cache.saveCache([dir], `${CACHE_PREFIX}${runId}-${Date.now()}`);
  } catch (error) {
    log.warning(`Response cache not saved: ${(error as Error).message}`);
  }
}

/** Uploads the results directory as a workflow artifact, when the runner offers the artifact service. */
export async function uploadResults(name: string, dir: string): Promise<void> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    log.info(`Artifact "${name}" not uploaded: the artifact service is not available here (results stay in ${dir}).`);
    return;
  }
  try {
    const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const { id } = await new DefaultArtifactClient().uploadArtifact(name, files, dir);
    log.info(`Artifact "${name}" uploaded (id ${id}).`);
  } catch (error) {
    log.warning(`Artifact "${name}" not uploaded: ${(error as Error).message}`);
  }
}
