import { describe, expect, it } from 'vitest';
import { intentsRepo, intentsSuiteYaml, writeTrainingSet } from '../training/local-fixture.js';
import { runCli } from './helpers.js';

// A suite whose fine-tuned variant names a local model this checkout has not trained (a fresh clone:
// .tunegate/models is not committed).
const UNTRAINED = 'local:0123456789ab';
const SUITE = intentsSuiteYaml({
  finetuned: { provider: 'onbox', model: UNTRAINED },
  training: ['holdout: { eval: 0.5, seed: 1 }', 'backend: { type: local }'],
  decision: false,
});

describe('a suite naming a local model not trained yet', () => {
  it('can build its training set and train, while validate, run and promote still ask for the model file', async () => {
    const repo = await intentsRepo(SUITE);
    const cli = (...args: string[]) => runCli(args, { cwd: repo.dir, env: {} });

    const set = await cli('training-set', 'suite.yaml', '--sim-config', 'sim.yaml', '--out', 'built');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/training set: \d+ train/);

    await writeTrainingSet(`${repo.dir}/set`);
    const train = await cli('train', 'suite.yaml', '--training-set', 'set', '--follow');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/succeeded, model local:[0-9a-f]{12}/);

    const missing = /local model local:0123456789ab not found .*run `tunegate train`/;
    const validate = await cli('validate', 'suite.yaml');
    expect(validate.code).toBe(2);
    expect(validate.stdout + validate.stderr).toMatch(missing);
    const run = await cli('run', 'suite.yaml', '--sim-config', 'sim.yaml', '--quiet');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(missing);
    const promote = await cli('promote', 'suite.yaml', '--model', UNTRAINED, '--sim-config', 'sim.yaml');
    expect(promote.code).toBe(2);
    expect(promote.stderr).toMatch(missing);
  });
});
