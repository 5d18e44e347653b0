import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalModel, localModelPath } from '../../src/training/local/model.js';
import { createTempRepo } from '../base/git-repo.js';
import { runCli } from '../e2e/helpers.js';
import { writeTrainingSet } from './local-fixture.js';

describe('tunegate train with backend: { type: local }', () => {
  it('trains on the training set with no key and no base model, once, into the repository', async () => {
    const repo = await createTempRepo();
    await repo.write({
      'suite.yaml': `name: intents
dataset:
  cases: [{ input: does redrobin take reservations, expected: accept_reservations }]
task: { kind: classification }
providers:
  # The evaluated model needs a key the environment lacks: training locally needs none.
  main: { base_url: "http://127.0.0.1:9/v1", api_key_env: MAIN_API_KEY }
variants:
  prompted: { role: prompted, provider: main, model: big }
training:
  backend: { type: local }
`,
    });
    await repo.commit('suite');
    await writeTrainingSet(join(repo.dir, 'set'));

    const train = await runCli(['train', 'suite.yaml', '--training-set', 'set', '--follow'], {
      cwd: repo.dir,
      env: {},
    });
    expect(train.stderr).not.toMatch(/^error/m);
    expect(train.code).toBe(0);
    const model = /succeeded, model (local:[0-9a-f]{12})/.exec(train.stdout)?.[1] ?? '';
    expect(model).not.toBe('');
    const classifier = await loadLocalModel(localModelPath(await realpath(repo.dir), model));
    expect(classifier.predict('Request: does redrobin take reservations')).toBe('accept_reservations');

    const again = await runCli(['train', 'suite.yaml', '--training-set', 'set'], { cwd: repo.dir, env: {} });
    expect(again.stdout).toContain('already started for this training set');
  });
});
