import { dirname } from 'node:path';
import { ExitCode, TunegateError } from '../errors.js';
import { resolveGitHubApiUrl } from '../training/backends/github-rest.js';
import type { TrainingDataUploader } from '../training/backends/index.js';
import { LOCAL_MODEL_PREFIX } from '../training/local/model.js';
import { artifactServiceAvailable, uploadArtifactFiles } from './history-artifact.js';

export type UploadFiles = (name: string, files: string[], dir: string) => Promise<number | undefined>;

/**
 * Uploads a training set too large for a dispatch payload as this run's workflow artifact, and
 * names the REST route the receiver downloads it from (a zip; needs `actions: read`).
 */
export function artifactUploader(
  env: Record<string, string | undefined>,
  upload: UploadFiles = uploadArtifactFiles,
): TrainingDataUploader {
  return async (name, files) => {
    const repository = env.GITHUB_REPOSITORY;
    const first = files[0];
    if (!repository || first === undefined) {
      throw new TunegateError('training-data', 'the training set can only be uploaded from a GitHub Actions run', {
        exitCode: ExitCode.usage,
      });
    }
    const id = await upload(name, files, dirname(first));
    if (id === undefined) {
      throw new TunegateError('training-data', `GitHub did not return an id for the uploaded artifact ${name}`, {
        exitCode: ExitCode.runtime,
      });
    }
    const api = resolveGitHubApiUrl(undefined, undefined, env);
    return { id, name, url: `${api}/repos/${repository}/actions/artifacts/${id}/zip` };
  };
}

/** The artifact a model trained on the runner is kept in (the workspace, and .tunegate/models with it, goes with the job). */
export function localModelArtifactName(model: string): string {
  return `tunegate-model-${model.slice(LOCAL_MODEL_PREFIX.length)}`;
}

export type KeptModel = { artifact: { id: number; name: string; url: string } } | { notKept: string };

/**
 * Uploads a locally trained model file as this run's workflow artifact, so it outlives the job; says why
 * not when the runner offers no artifact service or the upload fails (the training itself succeeded).
 */
export async function keepLocalModel(
  file: string,
  model: string,
  env: Record<string, string | undefined>,
  upload: UploadFiles = uploadArtifactFiles,
): Promise<KeptModel> {
  if (!artifactServiceAvailable(env)) return { notKept: 'the artifact service is not available on this runner' };
  try {
    return { artifact: await artifactUploader(env, upload)(localModelArtifactName(model), [file]) };
  } catch (error) {
    return { notKept: `the artifact upload failed: ${(error as Error).message}` };
  }
}
