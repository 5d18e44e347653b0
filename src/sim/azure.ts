import type { SimFineTuning } from './config.js';
import type { Reply, TrainedModel } from './fine-tuning.js';

interface SimDeployment {
  id: string;
  name: string;
  model: string;
  sku: { name: string; capacity: number };
  state: 'Creating' | 'Succeeded';
  polls: number;
  createdAt: string;
  lastModifiedAt: string;
}

/** Azure Resource Manager's error shape. */
function armError(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

/**
 * Azure's management API for Azure OpenAI deployments: GET and PUT
 * `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}`.
 * A deployment of a model trained here is `Creating` for `deploy_steps` reads, then `Succeeded`, and from then on
 * the chat endpoint answers to the deployment's name as the fine-tune would.
 */
export class SimAzureDeployments {
  private readonly deployments = new Map<string, SimDeployment>();

  /** Deployments, for the saved simulator state. */
  save(): [string, unknown][] {
    return [...this.deployments];
  }

  /** Takes back saved deployments; a finished one answers to its name again. */
  restore(saved: readonly [string, unknown][]): void {
    for (const [key, value] of saved) {
      const deployment = value as SimDeployment;
      this.deployments.set(key, deployment);
      const trained = this.trained(deployment.model);
      if (deployment.state === 'Succeeded' && trained) this.serve(deployment.name, trained);
    }
  }

  constructor(
    private readonly settings: SimFineTuning,
    private readonly counters: { deployments_created: number; deploy_denied: number },
    private readonly trained: (model: string) => TrainedModel | undefined,
    private readonly serve: (name: string, trained: TrainedModel) => void,
  ) {}

  /** The reply to a management request; undefined when the path is not a deployment's. */
  handle(method: string, parts: string[], query: URLSearchParams, body: unknown): Reply | undefined {
    const [subscriptions, , groups, group, providers, namespace, accounts, account, collection, name, ...rest] = parts;
    const shaped =
      subscriptions === 'subscriptions' &&
      groups === 'resourceGroups' &&
      providers === 'providers' &&
      namespace === 'Microsoft.CognitiveServices' &&
      accounts === 'accounts' &&
      collection === 'deployments' &&
      name !== undefined &&
      rest.length === 0;
    if (!shaped || (method !== 'GET' && method !== 'PUT')) return undefined;
    if (!query.get('api-version')) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required.',
      );
    }
    if (this.settings.accounts !== undefined && !this.settings.accounts.includes(account ?? '')) {
      return armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.CognitiveServices/accounts/${account}' under resource group '${group}' was not found.`,
      );
    }
    const id = `/${parts.join('/')}`;
    if (method === 'GET') return this.read(id, name);
    return this.put(id, name, body);
  }

  private read(id: string, name: string): Reply {
    const deployment = this.deployments.get(id);
    if (!deployment) return armError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
    if (deployment.state === 'Creating' && ++deployment.polls >= (this.settings.deploy_steps ?? 1)) {
      this.succeed(deployment);
    }
    return { status: 200, body: render(deployment) };
  }

  private put(id: string, name: string, raw: unknown): Reply {
    if (this.settings.deploy_denied) {
      this.counters.deploy_denied++;
      return armError(
        403,
        'AuthorizationFailed',
        "The client 'tunegate-sim' does not have authorization to perform action " +
          `'Microsoft.CognitiveServices/accounts/deployments/write' over scope '${id}' (simulated).`,
      );
    }
    const body = (raw ?? {}) as { sku?: { name?: unknown; capacity?: unknown }; properties?: { model?: unknown } };
    const model = (body.properties?.model ?? {}) as { format?: unknown; name?: unknown };
    if (model.format !== 'OpenAI' || typeof model.name !== 'string' || !this.trained(model.name)) {
      return armError(
        400,
        'DeploymentModelNotSupported',
        `The model '${String(model.name)}' of format '${String(model.format)}' is not found or cannot be deployed.`,
      );
    }
    const now = new Date().toISOString();
    const existing = this.deployments.get(id);
    const deployment: SimDeployment = {
      id,
      name,
      model: model.name,
      sku: {
        name: typeof body.sku?.name === 'string' ? body.sku.name : 'Standard',
        capacity: typeof body.sku?.capacity === 'number' ? body.sku.capacity : 1,
      },
      state: 'Creating',
      polls: 0,
      createdAt: existing?.createdAt ?? now,
      lastModifiedAt: now,
    };
    this.deployments.set(id, deployment);
    this.counters.deployments_created++;
    if ((this.settings.deploy_steps ?? 1) === 0) this.succeed(deployment);
    return { status: existing ? 200 : 201, body: render(deployment) };
  }

  private succeed(deployment: SimDeployment): void {
    deployment.state = 'Succeeded';
    deployment.lastModifiedAt = new Date().toISOString();
    const trained = this.trained(deployment.model);
    if (trained) this.serve(deployment.name, trained);
  }
}

function render(deployment: SimDeployment) {
  return {
    id: deployment.id,
    name: deployment.name,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    sku: deployment.sku,
    properties: {
      model: { format: 'OpenAI', name: deployment.model, version: '1' },
      provisioningState: deployment.state,
    },
    systemData: { createdAt: deployment.createdAt, lastModifiedAt: deployment.lastModifiedAt },
  };
}
