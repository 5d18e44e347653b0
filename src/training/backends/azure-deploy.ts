import { ExitCode, TunegateError } from '../../errors.js';
import type { FineTuneBackend, TrainingJob } from '../../providers/fine-tune-types.js';
import type { AzureDeploymentSpec } from '../../suite/types.js';
import { answerDetail, type HttpAnswer, sendRequest } from './http.js';

/** The parts of an Azure management `Deployment` resource this step reads. */
interface AzureDeployment {
  properties?: { model?: { name?: string }; provisioningState?: string };
  systemData?: { createdAt?: string; lastModifiedAt?: string };
}

const CODE = 'deployment-refused';
const TOKEN_HINT = 'az account get-access-token --resource https://management.azure.com --query accessToken -o tsv';

/** The deployment's name for one job: `{job}` becomes the last characters of the job's id. */
export function deploymentName(template: string, jobId: string): string {
  const short = jobId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-8)
    .toLowerCase();
  return template.replaceAll('{job}', short);
}

/**
 * Azure OpenAI serves a fine-tuned model only through a deployment. This wraps the fine-tuning backend so
 * that a succeeded job is deployed (PUT …/accounts/{account}/deployments/{name} on the management API) and
 * reported as succeeded only once the deployment is: its `model` is then the deployment's name, the id the
 * evaluation and the promotion use, and `trained_model` the fine-tune itself. Each status call looks again,
 * so following a job resumes a deployment in flight, and a deployment serving another model is re-pointed.
 */
export function withAzureDeployment(
  trainer: FineTuneBackend,
  spec: AzureDeploymentSpec,
  env: Record<string, string | undefined>,
  options: { fetch?: typeof fetch } = {},
): FineTuneBackend {
  const resourcePath =
    `/subscriptions/${encodeURIComponent(spec.subscription_id)}` +
    `/resourceGroups/${encodeURIComponent(spec.resource_group)}` +
    `/providers/Microsoft.CognitiveServices/accounts/${encodeURIComponent(spec.account)}`;

  function token(): string | undefined {
    if (spec.token_env === undefined) return undefined;
    const value = env[spec.token_env];
    if (!value) {
      throw new TunegateError(
        CODE,
        `set ${spec.token_env} to a Microsoft Entra ID token for https://management.azure.com that may write ` +
          `deployments on ${spec.account} (e.g. ${TOKEN_HINT}); training.backend.deployment.token_env names it`,
        { exitCode: ExitCode.usage },
      );
    }
    return value;
  }

  async function request(method: 'GET' | 'PUT', name: string, body?: unknown): Promise<HttpAnswer> {
    const bearer = token();
    return sendRequest(
      {
        method,
        url:
          `${spec.management_url.replace(/\/+$/, '')}${resourcePath}/deployments/${encodeURIComponent(name)}` +
          `?api-version=${encodeURIComponent(spec.api_version)}`,
        headers: {
          accept: 'application/json',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      'the Azure management API',
      CODE,
      options.fetch,
    );
  }

  function refused(answer: HttpAnswer, name: string, trained: string): TunegateError {
    const said = answerDetail(answer);
    const holder = spec.token_env === undefined ? 'the caller' : `the token in ${spec.token_env}`;
    const advice: Record<number, string> = {
      401:
        `Azure rejected ${holder} (expired, or issued for another resource); ` + `get a fresh one with ${TOKEN_HINT}`,
      403:
        `${holder} may not deploy models on the Azure OpenAI resource ${spec.account} ` +
        `(Azure said: ${said}); give its identity the Cognitive Services Contributor role on that resource ` +
        `(Microsoft.CognitiveServices/accounts/deployments/write), or deploy ${trained} as ${name} yourself`,
      404:
        `Azure has no Azure OpenAI resource ${spec.account} in resource group ${spec.resource_group} of ` +
        `subscription ${spec.subscription_id} (Azure said: ${said}); check training.backend.deployment ` +
        'subscription_id, resource_group and account',
    };
    return new TunegateError(
      CODE,
      advice[answer.status] ?? `Azure refused to deploy ${trained} as ${name} (HTTP ${answer.status}: ${said})`,
      { exitCode: ExitCode.runtime },
    );
  }

  async function deployed(job: TrainingJob): Promise<TrainingJob> {
    if (job.status !== 'succeeded' || job.model === undefined) return job;
    const trained = job.model;
    const name = deploymentName(spec.name, job.id);
    let answer = await request('GET', name);
    let current = answer.ok ? (answer.json as AzureDeployment) : undefined;
    if (answer.status !== 404 && !answer.ok) throw refused(answer, name, trained);
    if (current?.properties?.model?.name !== trained) {
      answer = await request('PUT', name, {
        sku: { name: spec.sku, capacity: spec.capacity },
        properties: { model: { format: 'OpenAI', name: trained, version: '1' } },
      });
      if (!answer.ok) throw refused(answer, name, trained);
      current = answer.json as AzureDeployment;
    }
    const state = current?.properties?.provisioningState ?? 'Accepted';
    const at = current?.systemData?.lastModifiedAt ?? current?.systemData?.createdAt ?? job.events.at(-1)?.at;
    const base = { ...job, trained_model: trained };
    const event = (message: string) => [...job.events, { at: at ?? new Date().toISOString(), message }];
    if (state === 'Succeeded') {
      return { ...base, model: name, events: event(`Deployment ${name} serves ${trained}`) };
    }
    const { model: _untilDeployed, ...withoutModel } = base;
    if (state === 'Failed' || state === 'Canceled') {
      return { ...withoutModel, status: 'failed', events: event(`Deployment ${name} of ${trained}: ${state}`) };
    }
    return { ...withoutModel, status: 'running', events: event(`Deploying ${trained} as ${name}: ${state}`) };
  }

  return {
    name: trainer.name,
    start: async (job) => deployed(await trainer.start(job)),
    status: async (id) => deployed(await trainer.status(id)),
    ...(trainer.cancel ? { cancel: trainer.cancel } : {}),
  };
}
