import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ExitCode, TunegateError } from '../../errors.js';
import type { TrainingJobSpec } from '../../providers/fine-tune-types.js';

/**
 * A training file as the receiver gets it: inline (gzip, then base64) when it fits the payload, else
 * where to download it. Always with the sha256 and size of the JSONL itself, to verify what arrived.
 */
export interface TrainingData {
  /** File name (inside the artifact, when there is one). */
  name: string;
  sha256: string;
  size_bytes: number;
  /** The JSONL, gzip-compressed then base64-encoded. */
  inline_gzip_base64?: string;
  /** A download: the workflow artifact's REST route (a zip holding `name`). */
  url?: string;
  artifact_id?: number;
  artifact_name?: string;
}

/** A stored upload of the training files: a workflow artifact in the Action. */
export interface UploadedData {
  id: number;
  name: string;
  /** `GET` this with a token that may read the repository's actions (it answers with the zip). */
  url: string;
}

/** Uploads files under a name (the Action injects one; `@actions/*` stays in src/github). */
export type TrainingDataUploader = (name: string, files: string[]) => Promise<UploadedData>;

/** The payload's data: the training file and, when there is one, the validation file. */
export interface JobData {
  training_data: TrainingData;
  validation_data?: TrainingData;
}

/**
 * The files of a job as the payload carries them: inline while their encoded size stays within
 * `inlineLimit` characters (together), else uploaded by `uploader`; without one, an error that says what to do.
 */
export async function jobData(
  job: TrainingJobSpec,
  options: { inlineLimit: number; uploader?: TrainingDataUploader | undefined; where: string },
): Promise<JobData> {
  const paths = [job.training_file, ...(job.validation_file ? [job.validation_file] : [])];
  const files = await Promise.all(
    paths.map(async (path) => {
      const bytes = await readFile(path);
      const data: TrainingData = {
        name: basename(path),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size_bytes: bytes.length,
      };
      return { path, data, inline: gzipSync(bytes).toString('base64') };
    }),
  );
  const encoded = files.reduce((sum, file) => sum + file.inline.length, 0);
  let described: TrainingData[];
  if (encoded <= options.inlineLimit) {
    described = files.map((file) => ({ ...file.data, inline_gzip_base64: file.inline }));
  } else if (options.uploader) {
    const upload = await options.uploader(
      `tunegate-training-${job.idempotency_key.slice(0, 16)}`,
      files.map((file) => file.path),
    );
    described = files.map((file) => ({
      ...file.data,
      url: upload.url,
      artifact_id: upload.id,
      artifact_name: upload.name,
    }));
  } else {
    throw new TunegateError(
      'training-data',
      `the training set is ${kib(encoded)} KiB once compressed and encoded, more than the ${kib(options.inlineLimit)} KiB ` +
        `${options.where} can carry inline; start training from the tunegate Action (command: train, or ` +
        'training.trigger), which uploads the set as a workflow artifact and sends its download URL, ' +
        'or make the set smaller',
      { exitCode: ExitCode.usage },
    );
  }
  const [training_data, validation_data] = described as [TrainingData, TrainingData | undefined];
  return { training_data, ...(validation_data ? { validation_data } : {}) };
}

function kib(characters: number): string {
  return (characters / 1024).toFixed(1);
}

/** The job as a receiver sees it: no local paths, the data instead. */
export function receiverJob(job: TrainingJobSpec, data: JobData) {
  const { training_file: _training, validation_file: _validation, ...rest } = job;
  return { ...rest, ...data };
}
