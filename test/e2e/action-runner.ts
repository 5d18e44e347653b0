import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeGitHub } from '../github/fake-github.js';
import { tempDir } from './helpers.js';

export interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses GITHUB_OUTPUT's `name<<DELIMITER … DELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

/**
 * Runs a bundled Action entry the way the runner does: inputs and context in the environment, the event
 * payload in a file, outputs and the job summary read back; the REST API is `api`.
 */
export async function runBundledAction(
  entry: string,
  workspace: string,
  api: FakeGitHub,
  event: object,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const dir = await tempDir('tunegate-runner-');
  const files = { event: join(dir, 'event.json'), output: join(dir, 'output'), summary: join(dir, 'summary.md') };
  await writeFile(files.event, JSON.stringify(event));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const child = spawn(process.execPath, [entry], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_WORKSPACE: workspace,
      GITHUB_WORKFLOW: 'evals',
      GITHUB_RUN_ID: '42',
      RUNNER_TEMP: dir,
      'INPUT_GITHUB-TOKEN': 'test-token',
      INPUT_ARTIFACT: '',
      ...inputEnv,
      ...env,
    },
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
  };
}

/** A `pull_request` (synchronize) event of acme/app from `head` onto `base`; `headRepo` another repository for a fork. */
export function pullRequestEvent(base: string, head: string, headRepo = 'acme/app') {
  return {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      base: { sha: base, ref: 'main', repo: { full_name: 'acme/app' } },
      head: { sha: head, ref: 'new-model', repo: { full_name: headRepo } },
    },
    repository: { name: 'app', owner: { login: 'acme' }, full_name: 'acme/app' },
  };
}
