import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { artifactUploader } from '../../src/github/training-upload.js';

describe('artifactUploader', () => {
  it('uploads the files from their folder and names the REST route that serves the zip', async () => {
    const calls: { name: string; files: string[]; dir: string }[] = [];
    const upload = artifactUploader(
      { GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' },
      async (name, files, dir) => {
        calls.push({ name, files, dir });
        return 4242;
      },
    );
    const uploaded = await upload('tunegate-training-abc', ['/w/out/train.jsonl', '/w/out/validation.jsonl']);
    expect(calls).toEqual([
      { name: 'tunegate-training-abc', files: ['/w/out/train.jsonl', '/w/out/validation.jsonl'], dir: '/w/out' },
    ]);
    expect(uploaded).toEqual({
      id: 4242,
      name: 'tunegate-training-abc',
      url: 'https://ghe.example.com/api/v3/repos/acme/app/actions/artifacts/4242/zip',
    });
  });

  it('refuses outside a GitHub run, and when GitHub returns no id', async () => {
    const never = artifactUploader({}, async () => 1);
    await expect(never('x', ['/w/train.jsonl'])).rejects.toBeInstanceOf(TunegateError);
    const noId = artifactUploader({ GITHUB_REPOSITORY: 'acme/app' }, async () => undefined);
    await expect(noId('x', ['/w/train.jsonl'])).rejects.toThrow(/did not return an id/);
  });
});
