import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentsRepo, intentsSuiteYaml, writeTrainingSet } from '../training/local-fixture.js';
import { runCli, tempDir } from './helpers.js';

const SUITE = intentsSuiteYaml({
  training: [
    'backend: { type: local }',
    'serve_as: { provider: onbox, template: "Request: {{input}}" }',
    'registry: { file: models.yaml, key: intents.model }',
  ],
});

describe('promoting a local model', () => {
  it('commits the model file with the registry and the new variant, so a fresh checkout can serve it', async () => {
    const repo = await intentsRepo(SUITE, { '.gitignore': '.tunegate/\n' });
    await writeTrainingSet(join(repo.dir, 'set'));
    const train = await runCli(['train', 'suite.yaml', '--training-set', 'set', '--follow'], {
      cwd: repo.dir,
      env: {},
    });
    const model = /succeeded, model (local:[0-9a-f]{12})/.exec(train.stdout)?.[1] ?? '';
    expect(model, train.stderr).not.toBe('');

    const promote = await runCli(
      ['promote', 'suite.yaml', '--model', model, '--sim-config', 'sim.yaml', '--mode', 'commit', '--create-key'],
      { cwd: repo.dir, env: {} },
    );
    expect(promote.stdout, promote.stderr).toMatch(/^PROMOTE local:/);
    expect(promote.code).toBe(0);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' });
    const committed = git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort();
    const modelFile = `.tunegate/models/${model.slice('local:'.length)}.json`;
    expect(committed).toEqual(expect.arrayContaining([modelFile, 'models.yaml', 'suite.yaml']));
    expect(await readFile(join(repo.dir, 'suite.yaml'), 'utf8')).toContain(model);

    // A fresh clone of the commit validates and runs the promoted model, with no training.
    const clone = join(await tempDir('tunegate-local-clone-'), 'repo');
    execFileSync('git', ['clone', '-q', repo.dir, clone]);
    const run = await runCli(['run', 'suite.yaml', '--sim-config', 'sim.yaml', '--no-cache', '--quiet'], {
      cwd: clone,
      env: {},
    });
    expect(run.stderr).not.toMatch(/missing|run tunegate train/);
    expect([0, 1]).toContain(run.code);
    const results = JSON.parse(await readFile(join(clone, 'tunegate-results', 'results.json'), 'utf8'));
    const trained = Object.values(results.suites[0].variants).find((v) => (v as { model: string }).model === model) as
      | { metrics: { accuracy: number } }
      | undefined;
    expect(trained?.metrics.accuracy).toBeGreaterThan(0.85);
  });
});
