import type { IncomingMessage } from 'node:http';
import type { SimFineTuning } from './config.js';
import { fireworksError, type Reply, type SimFineTuningApi } from './fine-tuning.js';

interface SimDataset {
  name: string;
  displayName: string;
  createTime: string;
  state: 'UPLOADING' | 'READY';
  exampleCount: string;
}

/** Fireworks resource ids: lowercase letters, digits and hyphens. */
const RESOURCE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Fireworks' control plane for supervised fine-tuning, under `/v1/accounts/{account}/`: `datasets` (create, get,
 * `{id}:upload`) and `supervisedFineTuningJobs` (create with `supervisedFineTuningJobId`, get, list, `{id}:cancel`).
 * Jobs advance like every simulated job; a finished one serves its `outputModel` on the chat endpoint.
 */
export class SimFireworks {
  private readonly datasets = new Map<string, SimDataset>();

  /** Datasets, for the saved simulator state. */
  save(): [string, unknown][] {
    return [...this.datasets];
  }

  restore(saved: readonly [string, unknown][]): void {
    for (const [name, dataset] of saved) this.datasets.set(name, dataset as SimDataset);
  }

  constructor(
    private readonly settings: SimFineTuning,
    private readonly jobs: SimFineTuningApi,
  ) {}

  /** The reply to a request under /accounts/{account}/; undefined when no route matches. */
  async handle(
    req: IncomingMessage,
    parts: string[],
    query: URLSearchParams,
    read: () => Promise<Buffer>,
  ): Promise<Reply | undefined> {
    const [, account = '', collection, item, ...more] = parts;
    if (more.length > 0 || (collection !== 'datasets' && collection !== 'supervisedFineTuningJobs')) return undefined;
    if (this.settings.accounts !== undefined && !this.settings.accounts.includes(account)) {
      return fireworksError(404, `Account not found: accounts/${account}`);
    }
    const [id = '', verb] = (item ?? '').split(':');
    const parent = `accounts/${account}`;
    const method = req.method ?? 'GET';
    const json = async () => {
      try {
        return record(JSON.parse((await read()).toString('utf8')));
      } catch {
        return undefined;
      }
    };
    if (collection === 'datasets') {
      if (method === 'POST' && item === undefined) {
        const body = await json();
        return body ? this.createDataset(parent, body) : fireworksError(400, 'Invalid JSON body.');
      }
      const name = `${parent}/datasets/${id}`;
      if (method === 'GET' && verb === undefined && item !== undefined) return this.getDataset(name);
      if (method === 'POST' && verb === 'upload') return this.upload(name, await read(), req);
      return undefined;
    }
    const name = `${parent}/supervisedFineTuningJobs/${id}`;
    if (method === 'POST' && item === undefined) {
      const body = await json();
      if (!body) return fireworksError(400, 'Invalid JSON body.');
      return this.createJob(parent, query.get('supervisedFineTuningJobId'), body);
    }
    if (method === 'GET' && item === undefined) return this.jobs.listFireworks(parent);
    if (method === 'GET' && verb === undefined) return this.jobs.retrieve('fireworks', name);
    if (method === 'POST' && verb === 'cancel') return this.jobs.cancel('fireworks', name);
    return undefined;
  }

  private createDataset(parent: string, body: Record<string, unknown>): Reply {
    const id = body.datasetId;
    if (typeof id !== 'string' || !RESOURCE_ID.test(id)) {
      return fireworksError(400, 'datasetId must be 1-63 lowercase letters, digits or hyphens.');
    }
    const name = `${parent}/datasets/${id}`;
    if (this.datasets.has(name)) return fireworksError(409, `Dataset already exists: ${name}`);
    const dataset: SimDataset = {
      name,
      displayName: String(record(body.dataset).displayName ?? id),
      createTime: new Date().toISOString(),
      state: 'UPLOADING',
      exampleCount: '0',
    };
    this.datasets.set(name, dataset);
    return { status: 200, body: this.render(dataset) };
  }

  private getDataset(name: string): Reply {
    const dataset = this.datasets.get(name);
    return dataset ? { status: 200, body: this.render(dataset) } : fireworksError(404, `Dataset not found: ${name}`);
  }

  private async upload(name: string, body: Buffer, req: IncomingMessage): Promise<Reply> {
    const dataset = this.datasets.get(name);
    if (!dataset) return fireworksError(404, `Dataset not found: ${name}`);
    const file = await this.jobs.datasets.uploadAs(name, body, req.headers['content-type'] ?? '', 'fine-tune');
    if (typeof file === 'string') return fireworksError(400, file);
    dataset.state = 'READY';
    dataset.exampleCount = String(file.lines);
    return {
      status: 200,
      body: {
        id: name,
        object: 'file',
        bytes: file.bytes.length,
        created_at: file.created_at,
        filename: file.filename,
      },
    };
  }

  private createJob(parent: string, requestedId: string | null, body: Record<string, unknown>): Reply {
    const refused = this.jobs.refuse('fireworks', body);
    if (refused) return refused;
    const id = requestedId ?? `sftj-sim-${this.datasets.size}-${Date.now().toString(36)}`;
    if (!RESOURCE_ID.test(id)) return fireworksError(400, 'supervisedFineTuningJobId must be a lowercase resource id.');
    const name = `${parent}/supervisedFineTuningJobs/${id}`;
    if (this.jobs.has('fireworks', name)) return fireworksError(409, `SupervisedFineTuningJob already exists: ${name}`);
    const dataset = this.datasets.get(String(body.dataset));
    if (dataset?.state !== 'READY') return fireworksError(400, `Dataset is not ready: ${String(body.dataset)}`);
    const evaluation = body.evaluationDataset;
    if (evaluation !== undefined && this.datasets.get(String(evaluation))?.state !== 'READY') {
      return fireworksError(400, `Dataset is not ready: ${String(evaluation)}`);
    }
    const output = typeof body.outputModel === 'string' ? body.outputModel : `${parent}/models/${id}`;
    if (!output.startsWith(`${parent}/models/`)) {
      return fireworksError(400, `outputModel must be a model of ${parent}: ${output}`);
    }
    const job = this.jobs.createJob('fireworks', {
      id: name,
      model: String(body.baseModel),
      training_file: dataset.name,
      validation_file: typeof evaluation === 'string' ? evaluation : null,
      suffix: typeof body.displayName === 'string' && body.displayName !== '' ? body.displayName : null,
      metadata: null,
      n_epochs: typeof body.epochs === 'number' ? body.epochs : null,
      output_model: output,
    });
    return this.jobs.view('fireworks', job.id);
  }

  private render(dataset: SimDataset) {
    return { ...dataset, format: 'CHAT', userUploaded: {}, status: { code: 'OK', message: '' } };
  }
}
