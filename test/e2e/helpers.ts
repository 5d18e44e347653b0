import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { listenOnLoopback } from '../loopback.js';

export const BANKING_SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'data', 'banking77-200.jsonl');

export async function readJsonl<T = Record<string, unknown>>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export async function tempDir(prefix = 'tunegate-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Bundles the sources into a fresh folder as `npm run build` does (dist/ is left alone): the Action's and the CLI's entries. */
export async function buildBundle(): Promise<{ action: string; cli: string }> {
  const build = await tempDir('tunegate-build-');
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), build], { cwd: root });
  return { action: join(build, 'index.js'), cli: join(build, 'cli.js') };
}

/** Copies the banking sample next to the suites in `dir` (suites read only inside their folder); returns its name. */
export async function copyBankingSample(dir: string): Promise<string> {
  await copyFile(BANKING_SAMPLE, join(dir, 'banking.jsonl'));
  return 'banking.jsonl';
}

export async function writeSuite(dir: string, name: string, yaml: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, yaml);
  return path;
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; now?: Date },
) {
  let stdout = '';
  let stderr = '';
  const { now } = options;
  const code = await main(argv, {
    cwd: options.cwd,
    env: options.env ?? {},
    ...(now ? { now: () => now } : {}),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

export interface LoopbackProvider {
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  close(): Promise<void>;
}

/** A loopback HTTP server standing in for a provider: `answer` gets each request with its body read. */
export async function startLoopbackProvider(
  answer: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<LoopbackProvider> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // Only chat is scripted; anything else (the run's GET /models/{id} for a shutdown date) is a route
      // this server lacks, as many OpenAI-compatible servers do.
      if (req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      answer(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: `${listening.origin}/v1`, close: listening.close };
}
