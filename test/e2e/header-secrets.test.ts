import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startLoopbackProvider, tempDir, writeSuite } from './helpers.js';

const HEADER_TOKEN = 'hdr-7f3a9c2e5b1d8a4f';
const API_KEY = 'key-2c8e4a6f0b9d1e3a';

/** A provider that fails every call with a 500 whose body echoes the request's secrets. */
async function echoingServer() {
  const seen: string[] = [];
  const provider = await startLoopbackProvider((req, _body, res) => {
    const token = String(req.headers['x-api-token']);
    seen.push(token);
    res.writeHead(500, { 'content-type': 'application/json' });
    const message = `upstream rejected token ${token} with ${req.headers.authorization}`;
    res.end(JSON.stringify({ error: { message, type: 'server' } }));
  });
  return { ...provider, seen };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function writeHeaderSuite(baseUrl: string) {
  const dir = await tempDir();
  const suite = await writeSuite(
    dir,
    'suite.yaml',
    `name: header-secrets
dataset:
  cases: [{ input: one, expected: a }, { input: two, expected: b }]
task: { kind: generation }
providers:
  local:
    base_url: ${baseUrl}
    api_key_env: LOCAL_KEY
    headers: { X-Api-Token: { env: LOCAL_TOKEN }, X-Route: v2 }
    max_retries: 0
variants:
  only: { role: prompted, provider: local, model: m }
`,
  );
  return { dir, suite };
}

describe('secrets sent in headers', () => {
  let provider: Awaited<ReturnType<typeof echoingServer>>;

  beforeAll(async () => {
    provider = await echoingServer();
  });

  afterAll(async () => {
    await provider.close();
  });

  it('sends a header read from the environment and redacts it (and the API key) from every output', async () => {
    const { dir, suite } = await writeHeaderSuite(provider.url);
    const env = { LOCAL_TOKEN: HEADER_TOKEN, LOCAL_KEY: API_KEY };
    const { code, stdout, stderr } = await runCli(['run', suite, '--out', 'out', '--markdown', 'summary.md'], {
      cwd: dir,
      env,
    });

    expect(code).toBe(3);
    expect(provider.seen).toContain(HEADER_TOKEN);
    const files = await allFiles(dir);
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual(
      expect.arrayContaining([join('out', 'cases.jsonl'), join('out', 'results.json'), 'summary.md']),
    );
    const cases = await readFile(join(dir, 'out', 'cases.jsonl'), 'utf8');
    expect(cases).toContain('upstream rejected token [redacted] with Bearer [redacted]');
    for (const text of [stdout, stderr, ...(await Promise.all(files.map((file) => readFile(file, 'utf8'))))]) {
      expect(text).not.toContain(HEADER_TOKEN);
      expect(text).not.toContain(API_KEY);
    }
  });

  it('needs no header secret on the simulator', async () => {
    const { dir, suite } = await writeHeaderSuite(provider.url);
    const { code, stderr } = await runCli(['run', suite, '--out', 'out', '--simulate', '--quiet'], { cwd: dir });
    expect(stderr).not.toMatch(/LOCAL_TOKEN|error/);
    expect(code).toBe(0);
  });
});
