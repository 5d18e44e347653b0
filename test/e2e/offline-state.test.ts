import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, copyBankingSample, readJsonl, tempDir, writeSuite } from './helpers.js';

const _root = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

const SUITE = `name: offline
dataset: { path: banking.jsonl, sample: { size: 40, seed: 1 } }
task: { kind: classification }
providers:
  openai: { api_key_env: OPENAI_API_KEY }
variants:
  prompted: { role: prompted, provider: openai, model: gpt-4.1, template: "Message: {{input}}" }
  finetuned: { role: finetuned, provider: openai, model: "ft:gpt-4.1-nano-2025-04-14:acme:offline:v0" }
decision: { max_accuracy_loss: 0.05 }
training:
  base_model: gpt-4.1-nano-2025-04-14
  suffix: offline
  backend: { type: openai, provider: openai }
  registry: { file: models.yaml, key: offline.model }
`;

const SIM = `models:
  gpt-4.1: { accuracy: 0.9 }
  gpt-4.1-nano-2025-04-14: { accuracy: 0.5 }
  ft:gpt-4.1-nano-2025-04-14:acme:offline:v0: { accuracy: 0.7 }
fine_tuning: { steps: 1, accuracy: 0.92 }
`;

/** Each command in a process of its own, as a user (or a workflow's steps) would run them: no API key, no network. */
describe('offline all the way: the simulator keeps its state in the cache dir between commands', () => {
  let cli: string;
  let dir: string;

  const tunegate = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [cli, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    // The CLI as it ships, bundled from the current sources.
    cli = (await buildBundle()).cli;
    dir = await tempDir();
    await copyBankingSample(dir);
    await writeSuite(dir, 'suite.yaml', SUITE);
    await writeFile(join(dir, 'sim.yaml'), SIM);
    await writeFile(join(dir, 'models.yaml'), 'offline:\n  model: ft:gpt-4.1-nano-2025-04-14:acme:offline:v0\n');
    const rows = await readJsonl<{ input: string; expected: string }>(join(dir, 'banking.jsonl'));
    const train = rows.slice(100, 130).map((row) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: row.input },
          { role: 'assistant', content: row.expected },
        ],
      }),
    );
    await mkdir(join(dir, 'tset'));
    await writeFile(join(dir, 'tset', 'train.jsonl'), `${train.join('\n')}\n`);
  }, 120_000);

  it('starts a job, resumes it with --job in a new process, and promotes the model it trained', async () => {
    const started = await tunegate('train', 'suite.yaml', '--training-set', 'tset', '--sim-config', 'sim.yaml');
    expect(started.stderr).toMatch(/^simulator: serving offline/);
    expect(started.code).toBe(0);
    const id = /^job (\S+) on openai: queued \(started\)/m.exec(started.stdout)?.[1];
    expect(id).toBeDefined();
    const state = JSON.parse(await readFile(join(dir, '.tunegate', 'cache', 'sim-state.json'), 'utf8'));
    expect(state.jobs.map((job: { id: string }) => job.id)).toEqual([id]);
    expect(state.files).toHaveLength(1);

    const resumed = await tunegate('train', 'suite.yaml', '--job', id ?? '', '--sim-config', 'sim.yaml');
    expect(resumed.code).toBe(0);
    const model = /^job \S+ on openai: succeeded, model (ft:gpt-4\.1-nano-2025-04-14:tunegate-sim:offline:\w+)/m.exec(
      resumed.stdout,
    )?.[1];
    expect(model).toBeDefined();

    const promoted = await tunegate('promote', 'suite.yaml', '--model', model ?? '', '--sim-config', 'sim.yaml');
    expect(promoted.stdout).toMatch(/^PROMOTE ft:gpt-4\.1-nano-2025-04-14:tunegate-sim:offline:/);
    expect(promoted.code).toBe(0);

    // Without the state the trained model does not exist: the simulator answers it 404, like a fresh account.
    await rm(join(dir, '.tunegate', 'cache', 'sim-state.json'));
    const forgotten = await tunegate(
      ...['promote', 'suite.yaml', '--model', model ?? '', '--sim-config', 'sim.yaml', '--no-cache'],
    );
    expect(forgotten.code).toBe(1);
    expect(forgotten.stdout).toMatch(/^REFUSED .*\n.*40 of 40 calls to .* failed \(first error: .*404/);
  }, 120_000);
});
