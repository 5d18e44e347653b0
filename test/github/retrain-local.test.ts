import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSuites } from '../../src/api/validate.js';
import { triggerTraining } from '../../src/github/retrain.js';
import { keepLocalModel, localModelArtifactName } from '../../src/github/training-upload.js';
import type { RunResults } from '../../src/report/types.js';
import { createTempRepo } from '../base/git-repo.js';
import { tempDir } from '../e2e/helpers.js';
import { smallClinc } from '../training/local-fixture.js';

const SUITE = `name: intents
dataset: { path: data.jsonl }
task: { kind: classification }
providers:
  onbox: { local: true }
  main: { base_url: "http://127.0.0.1:9/v1" }
variants:
  prompted: { role: prompted, provider: main, model: gpt-5.5 }
training:
  trigger: true
  holdout: { eval: 0.3, seed: 1 }
  sources: [dataset]
  backend: { type: local }
`;

const ARTIFACT_SERVICE = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results.example' };

describe('a model trained on the runner is kept as an artifact', () => {
  it('uploads the model file under a name from its id, and names the artifact and the next step', async () => {
    const repo = await createTempRepo();
    const rows = [...smallClinc.train, ...smallClinc.test].map((row) =>
      JSON.stringify({ input: row.input, expected: row.label }),
    );
    await repo.write({ 'suite.yaml': SUITE, 'data.jsonl': `${rows.join('\n')}\n` });
    const { suites, problems } = await validateSuites(['suite.yaml'], {
      cwd: repo.dir,
      env: {},
      requireApiKeys: false,
    });
    expect(problems).toEqual([]);
    const uploads: { name: string; files: string[]; bytes: string }[] = [];
    const results = { suites: [{ name: 'intents', verdict: { decision: 'fine-tune' } }] } as unknown as RunResults;
    const outDir = await tempDir();
    const lines = await triggerTraining(suites, results, {
      outDir,
      ledgerDir: join(outDir, 'ledger'),
      env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: 'https://api.github.com', ...ARTIFACT_SERVICE },
      event: { eventName: 'schedule', ref: 'refs/heads/main', defaultBranch: 'main' },
      triggerOn: ['schedule'],
      uploadModel: async (name, files) => {
        uploads.push({ name, files, bytes: await readFile(files[0] as string, 'utf8') });
        return 77;
      },
    });
    const line = lines.join('\n');
    const model = /local model `(local:[0-9a-f]{12})`/.exec(line)?.[1] ?? '';
    expect(model, line).not.toBe('');
    const hex = model.slice('local:'.length);
    expect(uploads).toEqual([
      {
        name: `tunegate-model-${hex}`,
        files: [join(repo.dir, '.tunegate', 'models', `${hex}.json`)],
        bytes: expect.stringContaining('tunegate-local-classifier'),
      },
    ]);
    expect(line).toContain(`kept as the workflow artifact \`tunegate-model-${hex}\``);
    expect(line).toContain(`Next: \`tunegate promote suite.yaml --model ${model}\``);
  }, 60_000);

  it('says why a model is not kept: no artifact service, or a failed upload', async () => {
    const never = async () => 1;
    expect(await keepLocalModel('/w/m.json', 'local:0123456789ab', {}, never)).toEqual({
      notKept: 'the artifact service is not available on this runner',
    });
    const failing = await keepLocalModel(
      '/w/m.json',
      'local:0123456789ab',
      { GITHUB_REPOSITORY: 'a/b', ...ARTIFACT_SERVICE },
      async () => {
        throw new Error('quota exceeded');
      },
    );
    expect(failing).toEqual({ notKept: 'the artifact upload failed: quota exceeded' });
    expect(localModelArtifactName('local:0123456789ab')).toBe('tunegate-model-0123456789ab');
  });
});
