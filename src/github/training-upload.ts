import { dirname } from 'node:path';
import { ExitCode, TunegateError } from '../errors.js';
import { resolveGitHubApiUrl } from '../training/backends/github-rest.js';
import type { TrainingDataUploader } from '../training/backends/index.js';
import { uploadArtifactFiles } from './history-artifact.js';

type UploadFiles = (name: string, files: string[], dir: string) => Promise<number | undefined>;

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
