import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TunegateError } from '../errors.js';
import { createOpenAIFineTuneBackend } from '../providers/fine-tune.js';
import type { LoadedSuite } from '../suite/types.js';
import { createBackend } from '../training/backends/index.js';
import { dpoUnsupported } from '../training/dpo.js';
import { type FollowOptions, followJob } from '../training/follow.js';
import { idempotencyKey, openLedger, startOnce } from '../training/ledger.js';
import { PREFERENCE_FILE } from '../training/training-set.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec, TrainingSetReport } from '../training/types.js';

export interface TrainOptions {
  env: Record<string, string | undefined>;
  /** Directory of the job ledger (what was started, so a re-run never starts it twice). */
  ledgerDir: string;
  fetch?: typeof fetch;
}

/** The suite's configured backend; a clear error when the suite names none. */
export function suiteBackend(suite: LoadedSuite, options: TrainOptions): FineTuneBackend {
  const spec = suite.training?.backend;
  if (!spec) {
    throw new TunegateError(
      'training-backend',
      `suite ${suite.name} has no training.backend; add one (openai, azure, fireworks, github-dispatch or webhook) to its training: section`,
    );
  }
  return createBackend(spec, suite, options.env, {
    openai: createOpenAIFineTuneBackend,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.env.GITHUB_API_URL ? { githubApiUrl: options.env.GITHUB_API_URL } : {}),
  });
}

/**
 * Starts fine-tuning on a built training set — once: the same suite, verdict, base model and
 * training file map to one job, whoever asks and however often.
 */
export async function startSuiteTraining(
  suite: LoadedSuite,
  files: Pick<TrainingSetReport['files'], 'train' | 'validation'> & { preference?: string | null },
  verdict: string,
  options: TrainOptions,
): Promise<{ job: TrainingJob; started: boolean }> {
  const training = suite.training;
  const baseModel = training?.base_model;
  if (!baseModel) {
    throw new TunegateError(
      'training-backend',
      `suite ${suite.name}: set training.base_model (the model to fine-tune)`,
    );
  }
  const upload = trainingUpload(suite, files);
  const backend = suiteBackend(suite, options);
  const sha = createHash('sha256')
    .update(await readFile(upload.training_file))
    .digest('hex');
  const spec = {
    suite: suite.name,
    base_model: baseModel,
    ...upload,
    ...(training.suffix ? { suffix: training.suffix } : {}),
    epochs: training.epochs,
    idempotency_key: idempotencyKey({ suite: suite.name, verdict, model: baseModel, trainingFileSha256: sha }),
  };
  return startOnce(backend, spec, await openLedger(options.ledgerDir));
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
  const ledger = await openLedger(options.ledgerDir);
  const entry = ledger.all().find((e) => e.job.id === jobId);
  if (entry) await ledger.update(entry.key, job);
  return job;
}
