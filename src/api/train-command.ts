import { resolve } from 'node:path';
import { TunegateError } from '../errors.js';
import type { TrainingJob } from '../providers/fine-tune-types.js';
import type { LoadedSuite } from '../suite/types.js';
import type { TrainingDataUploader } from '../training/backends/index.js';
import type { JobEvent } from '../training/follow.js';

import { jobLedgerDir, legacyLedgerDirs } from '../training/ledger.js';
import { trainingSetFiles } from '../training/training-set.js';
import { followSuiteTraining, startSuiteTraining } from './train.js';

export interface TrainCommandOptions {
  /** The working directory: the training-set folder resolves against it, and the job ledger lives under it. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** A training-set folder to start from (training-set or distill wrote it); else `job` to follow. */
  trainingSet?: string;
  job?: string;
  /** What the job answers (fine-tune, retrain): part of its identity. */
  verdict: string;
  /** Follow a job just started to its end (following a given `job` always follows). */
  follow: boolean;
  intervalMs: number;
  onStarted?: (job: TrainingJob, started: boolean) => void;
  onEvent?: (event: JobEvent) => void;
  fetch?: typeof fetch;
  uploadData?: TrainingDataUploader;
}

/** What `train` did: the job it started (or found started), and where the job ended when followed. */
export interface TrainCommandOutcome {
  started?: { job: TrainingJob; started: boolean };
  done?: TrainingJob;
}

/**
 * The `train` command, the same for the CLI and the Action: start training on a training-set folder
 * (once per set, whoever asks) and follow it, or follow (resume) a started job by id.
 */
export async function trainCommand(suite: LoadedSuite, options: TrainCommandOptions): Promise<TrainCommandOutcome> {
  const trainOptions = {
    env: options.env,
    ledgerDir: jobLedgerDir(options.cwd),
    legacyLedgerDirs: legacyLedgerDirs(options.cwd),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.uploadData ? { uploadData: options.uploadData } : {}),
  };
  let id = options.job;
  let started: TrainCommandOutcome['started'];
  if (id === undefined) {
    if (options.trainingSet === undefined) {
      throw new TunegateError('train', 'give a training-set folder (to start training) or a job id (to follow one)');
    }
    const files = trainingSetFiles(resolve(options.cwd, options.trainingSet));
    started = await startSuiteTraining(suite, files, options.verdict, trainOptions);
    options.onStarted?.(started.job, started.started);
    if (!options.follow) return { started };
    id = started.job.id;
  }
  const done = await followSuiteTraining(suite, id, {
    ...trainOptions,
    intervalMs: options.intervalMs,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { ...(started ? { started } : {}), done };
}

/** A job that ended well: trained (or handed to your own trainer, which reports elsewhere). */
export function trainingSucceeded(job: TrainingJob): boolean {
  return job.status === 'succeeded' || job.status === 'dispatched';
}
