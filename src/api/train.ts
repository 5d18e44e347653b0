import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TunegateError } from '../errors.js';
import { createOpenAIFineTuneBackend } from '../providers/fine-tune.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from '../providers/fine-tune-types.js';
import type { LoadedSuite, TrainingBackendSpec } from '../suite/types.js';
import { backendIdentity, createBackend, type TrainingDataUploader } from '../training/backends/index.js';
import { dpoUnsupported } from '../training/dpo.js';
import { type FollowOptions, followJob } from '../training/follow.js';
import { idempotencyKey, openLedger, startOnce } from '../training/ledger.js';
import { PREFERENCE_FILE } from '../training/training-set.js';
import type { TrainingSetReport } from '../training/types.js';

export interface TrainOptions {
  env: Record<string, string | undefined>;
  /** Directory of the job ledger (what was started, so a re-run never starts it twice). */
  ledgerDir: string;
  /** Earlier ledger directories whose entries still count (read, and carried into `ledgerDir`). */
  legacyLedgerDirs?: string[];
  fetch?: typeof fetch;
  /** Uploads training data too large to send inline (the Action passes workflow artifacts). */
  uploadData?: TrainingDataUploader;
}

/** The suite's configured backend; a clear error when the suite names none. */
export function suiteBackend(suite: LoadedSuite, options: TrainOptions): FineTuneBackend {
  const spec = suite.training?.backend;
  if (!spec) {
    throw new TunegateError(
      'training-backend',
      `suite ${suite.name} has no training.backend; add one (openai, azure, fireworks, github-dispatch, webhook or local) to its training: section`,
    );
  }
  return createBackend(spec, suite, options.env, {
    openai: createOpenAIFineTuneBackend,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.uploadData ? { uploadData: options.uploadData } : {}),
    ...(options.env.GITHUB_API_URL ? { githubApiUrl: options.env.GITHUB_API_URL } : {}),
  });
}

/**
 * Starts fine-tuning on a built training set — once: the same suite, verdict, base model, backend,
 * method, hyper-parameters and training files map to one job, whoever asks and however often.
 */
export async function startSuiteTraining(
  suite: LoadedSuite,
  files: Pick<TrainingSetReport['files'], 'train' | 'validation'> & { preference?: string | null },
  verdict: string,
  options: TrainOptions,
): Promise<{ job: TrainingJob; started: boolean }> {
  const training = suite.training;
  // The local backend trains from nothing: its jobs name "local" as their base model.
  const baseModel = training?.base_model ?? (training?.backend?.type === 'local' ? 'local' : undefined);
  if (!training || !baseModel) {
    throw new TunegateError(
      'training-backend',
      `suite ${suite.name}: set training.base_model (the model to fine-tune)`,
    );
  }
  const upload = trainingUpload(suite, files);
  const backend = suiteBackend(suite, options);
  const method = upload.method ?? 'sft';
  const spec = {
    suite: suite.name,
    base_model: baseModel,
    ...upload,
    ...(training.suffix ? { suffix: training.suffix } : {}),
    epochs: training.epochs,
    idempotency_key: idempotencyKey({
      suite: suite.name,
      verdict,
      base_model: baseModel,
      backend: backendIdentity(training.backend as TrainingBackendSpec, suite),
      method,
      hyperparameters: { epochs: training.epochs, suffix: training.suffix ?? null },
      training_sha256: await fileSha256(upload.training_file),
      validation_sha256: upload.validation_file ? await fileSha256(upload.validation_file) : null,
    }),
  };
  return startOnce(backend, spec, await openLedgerOf(options));
}

/**
 * The files a job trains on: train.jsonl (+ validation) for sft; preference.jsonl for dpo, checked before
 * anything is uploaded — a backend that cannot run DPO, or no pairs, is a clear error.
 */
function trainingUpload(
  suite: LoadedSuite,
  files: Pick<TrainingSetReport['files'], 'train' | 'validation'> & { preference?: string | null },
): Pick<TrainingJobSpec, 'training_file' | 'validation_file' | 'method'> {
  if (suite.training?.method !== 'dpo') {
    return { training_file: files.train, ...(files.validation ? { validation_file: files.validation } : {}) };
  }
  const refusal = suite.training.backend && dpoUnsupported(suite.training.backend);
  if (refusal) throw new TunegateError('training-backend', `suite ${suite.name}: ${refusal}`);
  if (!files.preference) {
    throw new TunegateError(
      'training-backend',
      `suite ${suite.name}: training.method is dpo but the training set has no ${PREFERENCE_FILE}; build it with ` +
        '`tunegate training-set --results DIR` from a run whose cases outside the evaluated sample include ones the ' +
        'baseline got right and the candidate got wrong',
    );
  }
  return { training_file: files.preference, method: 'dpo' };
}

/** Follows a job to its end (resumable: only its id is needed), keeping the ledger current. */
export async function followSuiteTraining(
  suite: LoadedSuite,
  jobId: string,
  options: TrainOptions & FollowOptions,
): Promise<TrainingJob> {
  const job = await followJob(suiteBackend(suite, options), jobId, options);
  const ledger = await openLedgerOf(options);
  const entry = ledger.all().find((e) => e.job.id === jobId);
  if (entry) await ledger.update(entry.key, job);
  return job;
}

function openLedgerOf(options: TrainOptions) {
  return openLedger(options.ledgerDir, options.legacyLedgerDirs ? { legacyDirs: options.legacyLedgerDirs } : {});
}

async function fileSha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
