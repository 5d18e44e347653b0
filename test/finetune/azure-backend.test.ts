import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { followSuiteTraining, startSuiteTraining } from '../../src/api/train.js';
import { ExitCode } from '../../src/errors.js';
import { createModelClient } from '../../src/providers/client.js';
import { createOpenAIFineTuneBackend } from '../../src/providers/fine-tune.js';
import type { TrainingJobSpec } from '../../src/providers/fine-tune-types.js';
import { loadTokenizer } from '../../src/providers/tokens.js';
import type { SimConfig } from '../../src/sim/index.js';
import { loadSuites } from '../../src/suite/load.js';
import type { AzureDeploymentSpec, LoadedSuite, ProviderSpec } from '../../src/suite/types.js';
import { createBackend, deploymentName } from '../../src/training/backends/index.js';
import { followJob } from '../../src/training/follow.js';
import {
  expectPlainWords,
  noSleep,
  rejection,
  simProvider,
  startBankingSim,
  trainingFile,
  trainingSuiteYaml,
} from './helpers.js';

beforeAll(loadTokenizer);

const BASE = 'gpt-4.1-mini-2025-04-14';
const ENV = { AZURE_OPENAI_API_KEY: 'az-key-0123456789', AZURE_MANAGEMENT_TOKEN: 'eyJ-token-0123456789' };

function spec(training_file: string, overrides: Partial<TrainingJobSpec> = {}): TrainingJobSpec {
  return { suite: 'banking', base_model: BASE, training_file, suffix: 'intents', idempotency_key: 'k1', ...overrides };
}

/** A simulator standing in for the Azure resource (…/openai) and Azure's management API. */
async function startAzure(fineTuning: SimConfig['fine_tuning'] = {}, options: { v1?: boolean } = {}) {
  const { sim, cases } = await startBankingSim({ fine_tuning: { steps: 1, ...fineTuning } });
  const origin = new URL(sim.url).origin;
  const provider: ProviderSpec = options.v1
    ? simProvider(`${origin}/openai/v1`, { name: 'az', api_key_env: 'AZURE_OPENAI_API_KEY' })
    : simProvider(`${origin}/openai`, { name: 'az', api_key_env: 'AZURE_OPENAI_API_KEY', api_version: '2024-10-21' });
  const deployment: AzureDeploymentSpec = {
    name: 'intents-{job}',
    subscription_id: 'sub-1',
    resource_group: 'rg-ml',
    account: 'acme',
    token_env: 'AZURE_MANAGEMENT_TOKEN',
    sku: 'Standard',
    capacity: 1,
    api_version: '2024-10-01',
    management_url: origin,
  };
  const suite = { file: 'evals/intents.yaml', providers: { az: provider } } as unknown as LoadedSuite;
  const backend = (env: Record<string, string> = ENV, changes: Partial<AzureDeploymentSpec> = {}) =>
    createBackend({ type: 'azure', provider: 'az', deployment: { ...deployment, ...changes } }, suite, env, {
      openai: createOpenAIFineTuneBackend,
    });
  // Chat goes to the resource's v1 routes, where the model is a deployment's name.
  const chat = createModelClient({ ...provider, base_url: `${origin}/openai/v1`, api_version: undefined }, ENV);
  return { sim, cases, origin, backend, chat, deployment };
}

describe('Azure OpenAI fine-tuning backend on the simulator', () => {
  it('uploads, creates, follows the job, deploys the fine-tune, and the deployment name answers as the model', async () => {
    const { sim, cases, origin, backend, chat } = await startAzure({ accuracy_by_suffix: { intents: 0.75 } });
    const azure = backend();
    expect(azure.name).toBe('azure');
    const started = await azure.start(
      spec(await trainingFile(12), { validation_file: await trainingFile(10), epochs: 2 }),
    );
    expect(started).toMatchObject({ backend: 'azure', status: 'queued' });
    expect(started.id).toMatch(/^ftjob-[0-9a-f]{32}$/);
    expect(sim.stats.training).toMatchObject({ files_uploaded: 2, jobs_created: 1 });

    const statuses: string[] = [];
    const seen: string[] = [];
    const watched = {
      ...azure,
      status: async (id: string) => {
        const job = await azure.status(id);
        statuses.push(job.status);
        return job;
      },
    };
    const done = await followJob(watched, started.id, {
      intervalMs: 1,
      sleep: noSleep,
      onEvent: (e) => seen.push(e.message),
    });
    // Started, one step, trained (deployment created), deployed.
    expect(statuses).toEqual(['running', 'running', 'running', 'succeeded']);
    const name = deploymentName('intents-{job}', started.id);
    expect(name).toBe(`intents-${started.id.slice(-8)}`);
    expect(done).toMatchObject({ status: 'succeeded', model: name });
    expect(done.trained_model).toMatch(new RegExp(`^${BASE}\\.ft-[0-9a-f]{32}$`));
    expect(seen).toContain(`New fine-tuned model created: ${done.trained_model}`);
    expect(seen).toContain(`Deploying ${done.trained_model} as ${name}: Creating`);
    expect(seen.at(-1)).toBe(`Deployment ${name} serves ${done.trained_model}`);
    expect(sim.stats.training.deployments_created).toBe(1);

    // The deployment Azure holds: the fine-tune, the SKU and capacity asked for.
    const arm = `${origin}/subscriptions/sub-1/resourceGroups/rg-ml/providers/Microsoft.CognitiveServices/accounts/acme/deployments/${name}?api-version=2024-10-01`;
    const deployed = (await (await fetch(arm)).json()) as Record<string, unknown>;
    expect(deployed).toMatchObject({
      name,
      sku: { name: 'Standard', capacity: 1 },
      properties: {
        model: { format: 'OpenAI', name: done.trained_model, version: '1' },
        provisioningState: 'Succeeded',
      },
    });

    // The fine-tune answers only through its deployment.
    const direct = await chat
      .complete({ model: done.trained_model as string, messages: [{ role: 'user', content: 'hi' }], params: {} })
      .then(
        () => 'answered',
        (e: unknown) => String(e),
      );
    expect(direct).toMatch(/404/);
    let correct = 0;
    for (const item of cases) {
      const answer = await chat.complete({
        model: name,
        messages: [{ role: 'user', content: item.input }],
        params: {},
      });
      if (answer.text === item.expected) correct++;
    }
    expect(correct).toBe(150);
  });

  it('serves Azure-shaped routes: the dated ones need an api-version', async () => {
    const { origin } = await startAzure();
    const withoutVersion = await fetch(`${origin}/openai/fine_tuning/jobs`);
    expect(withoutVersion.status).toBe(404);
    expect(await withoutVersion.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    expect((await fetch(`${origin}/openai/fine_tuning/jobs?api-version=2024-10-21`)).status).toBe(200);
  });

  it('says how to reach the fine-tuning routes when the endpoint is not one (no api-version)', async () => {
    const { sim, origin, deployment } = await startAzure();
    const provider = simProvider(`${origin}/openai`, { name: 'az', api_key_env: 'AZURE_OPENAI_API_KEY' });
    const suite = { file: 'evals/intents.yaml', providers: { az: provider } } as unknown as LoadedSuite;
    const azure = createBackend({ type: 'azure', provider: 'az', deployment }, suite, ENV, {
      openai: createOpenAIFineTuneBackend,
    });
    const error = await rejection(azure.start(spec(await trainingFile(10))));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe(
      'provider "az" does not reach the fine-tuning routes of an Azure OpenAI resource (Azure said: Resource not ' +
        'found); set its base_url to https://<resource>.openai.azure.com/openai with api_version (e.g. 2024-10-21), ' +
        'or to …/openai/v1',
    );
    expect(sim.stats.training.files_uploaded).toBe(0);
  });

  it('starts a job once per key (on the v1 routes too): a restart finds the job and its deployment', async () => {
    const { sim, backend } = await startAzure({}, { v1: true });
    const azure = backend();
    const file = await trainingFile(10);
    const first = await azure.start(spec(file));
    const again = await azure.start(spec(file));
    expect(again.id).toBe(first.id);
    expect(sim.stats.training).toMatchObject({ files_uploaded: 1, jobs_created: 1 });
    const done = await followJob(azure, first.id, { intervalMs: 1, sleep: noSleep });
    expect(done.status).toBe('succeeded');
    // A restart after success hands over the same deployment, without deploying again.
    const restarted = await azure.start(spec(file));
    expect(restarted).toMatchObject({ id: first.id, status: 'succeeded', model: done.model });
    expect(sim.stats.training.deployments_created).toBe(1);
    const other = await azure.start(spec(file, { idempotency_key: 'k2' }));
    expect(other.id).not.toBe(first.id);
    expect(sim.stats.training).toMatchObject({ files_uploaded: 2, jobs_created: 2 });
  });

  it('cancels a job that has not finished', async () => {
    const { backend } = await startAzure();
    const azure = backend();
    const started = await azure.start(spec(await trainingFile(10)));
    const cancelled = await azure.cancel?.(started.id);
    expect(cancelled).toMatchObject({ id: started.id, status: 'cancelled' });
    const followed = await followJob(azure, started.id, { intervalMs: 1, sleep: noSleep });
    expect(followed.status).toBe('cancelled');
    expect(followed.model).toBeUndefined();
  });

  it('a 403 on job creation says the resource may not fine-tune and what to do', async () => {
    const { sim, backend } = await startAzure({ permission_denied: true });
    const error = await rejection(backend().start(spec(await trainingFile(10))));
    expect(error.code).toBe('fine-tuning-unavailable');
    expect(error.exitCode).toBe(ExitCode.runtime);
    expect(error.message).toMatch(
      /^the Azure OpenAI resource 127\.0\.0\.1 may not fine-tune \(Azure said: Fine-tuning is not available for this resource in its region \(simulated\)\.\)\. /,
    );
    expect(error.message).toContain('train on a resource in a region that offers fine-tuning for this model');
    expectPlainWords(error.message, Object.values(ENV));
    expect(sim.stats.training).toMatchObject({ permission_denied: 1, jobs_created: 0 });
  });

  it('a 404 on job creation says the base model is not offered for fine-tuning there', async () => {
    const { backend } = await startAzure({ fine_tunable: [BASE] });
    const error = await rejection(backend().start(spec(await trainingFile(10), { base_model: 'gpt-5-nano' })));
    expect(error.code).toBe('fine-tuning-unavailable');
    expect(error.message).toMatch(/^the Azure OpenAI resource 127\.0\.0\.1 cannot fine-tune gpt-5-nano \(Azure said: /);
    expect(error.message).toContain('set training.base_model to a model Azure lists as fine-tunable there');
    expectPlainWords(error.message, Object.values(ENV));
  });

  it('a 403 on deployment says the token may not deploy and which role to give it', async () => {
    const { sim, backend } = await startAzure({ deploy_denied: true });
    const azure = backend();
    const started = await azure.start(spec(await trainingFile(10)));
    const error = await rejection(followJob(azure, started.id, { intervalMs: 1, sleep: noSleep }));
    expect(error.code).toBe('deployment-refused');
    expect(error.message).toMatch(
      /^the token in AZURE_MANAGEMENT_TOKEN may not deploy models on the Azure OpenAI resource acme \(Azure said: The client 'tunegate-sim' does not have authorization/,
    );
    expect(error.message).toContain('give its identity the Cognitive Services Contributor role on that resource');
    expectPlainWords(error.message, Object.values(ENV));
    expect(sim.stats.training.deploy_denied).toBe(1);
  });

  it('a 404 on deployment names the resource, group and subscription to check', async () => {
    const { backend } = await startAzure({ accounts: ['another'] });
    const azure = backend();
    const started = await azure.start(spec(await trainingFile(10)));
    const error = await rejection(followJob(azure, started.id, { intervalMs: 1, sleep: noSleep }));
    expect(error.message).toMatch(
      /^Azure has no Azure OpenAI resource acme in resource group rg-ml of subscription sub-1 \(Azure said: The Resource/,
    );
    expect(error.message).toContain('check training.backend.deployment subscription_id, resource_group and account');
    expectPlainWords(error.message, Object.values(ENV));
  });

  it('needs the management token it names before deploying', async () => {
    const { backend } = await startAzure();
    const azure = backend({ AZURE_OPENAI_API_KEY: ENV.AZURE_OPENAI_API_KEY });
    const started = await azure.start(spec(await trainingFile(10)));
    const error = await rejection(followJob(azure, started.id, { intervalMs: 1, sleep: noSleep }));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/^set AZURE_MANAGEMENT_TOKEN to a Microsoft Entra ID token/);
  });
});

describe('an Azure training section, from the suite file to the deployed model', () => {
  it('resolves the keys with their defaults, trains once, and hands over the deployment name', async () => {
    const { origin, chat } = await startAzure({ accuracy: 0.7 });
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-azure-'));
    try {
      await writeFile(
        join(dir, 'suite.yaml'),
        trainingSuiteYaml(
          {
            name: 'az',
            spec: `{ base_url: "${origin}/openai", api_version: 2024-10-21, api_key_env: AZURE_OPENAI_API_KEY }`,
          },
          `  base_model: ${BASE}
  suffix: intents
  backend:
    type: azure
    provider: az
    deployment:
      name: intents-candidate
      subscription_id: sub-1
      resource_group: rg-ml
      account: acme
      token_env: AZURE_MANAGEMENT_TOKEN
      management_url: ${origin}
`,
        ),
      );
      const { suites, problems } = await loadSuites(['suite.yaml'], { cwd: dir, env: ENV });
      expect(problems).toEqual([]);
      const suite = suites[0] as LoadedSuite;
      expect(suite.training?.backend).toEqual({
        type: 'azure',
        provider: 'az',
        deployment: {
          name: 'intents-candidate',
          subscription_id: 'sub-1',
          resource_group: 'rg-ml',
          account: 'acme',
          token_env: 'AZURE_MANAGEMENT_TOKEN',
          management_url: origin,
          sku: 'Standard',
          capacity: 1,
          api_version: '2024-10-01',
        },
      });
      const options = { env: ENV, ledgerDir: join(dir, 'jobs') };
      const files = { train: await trainingFile(10), validation: null };
      const { job, started } = await startSuiteTraining(suite, files, 'fine-tune', options);
      expect(started).toBe(true);
      const done = await followSuiteTraining(suite, job.id, { ...options, intervalMs: 1, sleep: noSleep });
      expect(done).toMatchObject({ status: 'succeeded', model: 'intents-candidate' });
      const answer = await chat.complete({
        model: 'intents-candidate',
        messages: [{ role: 'user', content: 'x' }],
        params: {},
      });
      expect(typeof answer.text).toBe('string');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
