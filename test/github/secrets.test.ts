import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { maskSecrets, secretVariableNames } from '../../src/github/secrets.js';
import { loadSuites } from '../../src/suite/load.js';

const SUITE = `name: secrets
dataset:
  cases: [{ input: a, expected: b }]
task: { kind: generation }
providers:
  openai: { api_key_env: OPENAI_API_KEY }
  gateway:
    base_url: https://gateway.example/v1
    api_key_env: OPENAI_API_KEY
    headers: { X-Api-Token: { env: GATEWAY_TOKEN }, X-Route: v2, X-Tenant: { env: TENANT_SECRET } }
variants:
  big: { role: prompted, provider: openai, model: gpt-5.5 }
  small: { role: finetuned, provider: gateway, model: small }
training:
  backend: { type: github-dispatch, repository: acme/train, token_env: DISPATCH_TOKEN }
`;

const ENV = {
  OPENAI_API_KEY: 'key-value-1',
  GATEWAY_TOKEN: 'gateway-value-2',
  TENANT_SECRET: 'tenant-value-3',
  DISPATCH_TOKEN: 'dispatch-value-4',
  UNRELATED: 'not-a-secret',
};

async function loadSuite() {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-secrets-'));
  await writeFile(path.join(dir, 'suite.yaml'), SUITE);
  const { suites, problems } = await loadSuites(['suite.yaml'], { cwd: dir, env: ENV });
  expect(problems).toEqual([]);
  return suites;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('secrets the Action masks', () => {
  it('names every API key, header and training token variable once', async () => {
    expect(secretVariableNames(await loadSuite()).sort()).toEqual([
      'DISPATCH_TOKEN',
      'GATEWAY_TOKEN',
      'OPENAI_API_KEY',
      'TENANT_SECRET',
    ]);
  });

  it("names the Azure backend's management token", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-secrets-'));
    const azure = SUITE.replace(
      '{ type: github-dispatch, repository: acme/train, token_env: DISPATCH_TOKEN }',
      '{ type: azure, provider: gateway, deployment: { name: d, subscription_id: s, resource_group: g, account: a, token_env: AZURE_MANAGEMENT_TOKEN } }',
    );
    await writeFile(path.join(dir, 'suite.yaml'), azure);
    const { suites, problems } = await loadSuites(['suite.yaml'], { cwd: dir, env: ENV });
    expect(problems).toEqual([]);
    expect(secretVariableNames(suites)).toContain('AZURE_MANAGEMENT_TOKEN');
  });

  it('masks the value of each, and nothing else', async () => {
    const suites = await loadSuite();
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    maskSecrets(ENV, suites);
    const masked = written.flatMap((line) => /^::add-mask::(.*)$/m.exec(line)?.[1] ?? []);
    expect(masked.sort()).toEqual(['dispatch-value-4', 'gateway-value-2', 'key-value-1', 'tenant-value-3']);
  });
});
