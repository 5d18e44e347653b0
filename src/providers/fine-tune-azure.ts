import { basename } from 'node:path';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { ExitCode, TunegateError } from '../errors.js';
import { redact } from './errors.js';
import {
  type FineTuneCallContext,
  fileUpload,
  fineTuneCall,
  readOpenAIJob,
  serverMessage,
  toFineTuneError,
} from './fine-tune-shared.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from './fine-tune-types.js';
import { keyTag } from './key-tag.js';

/** How many of the resource's files and jobs are scanned for the ones a key started. */
const SCANNED = 1000;

/** The resource's name (`acme` of acme.openai.azure.com), or the whole host elsewhere. */
export function resourceName(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return 'the Azure OpenAI resource';
  try {
    const host = new URL(baseUrl).hostname;
    return /\.(openai|cognitiveservices)\.azure\.com$/.test(host) ? (host.split('.')[0] ?? host) : host;
  } catch {
    return baseUrl;
  }
}

/**
 * What a refused job creation means on Azure, in words: a 403 is the resource (its region, its
 * subscription, the key's role) that may not fine-tune; a 404 is a base model the resource does not offer
 * for fine-tuning.
 */
function refusal(error: unknown, spec: TrainingJobSpec, resource: string, context: FineTuneCallContext) {
  if (!(error instanceof APIError) || (error.status !== 403 && error.status !== 404)) {
    return toFineTuneError(error, 'creating the fine-tuning job', context);
  }
  const said = redact(serverMessage(error), context.secrets);
  const message =
    error.status === 403
      ? `the Azure OpenAI resource ${resource} may not fine-tune (Azure said: ${said}). Fine-tuning is offered ` +
        'only in some regions and subscriptions, and the key needs a role that may create jobs; train on a ' +
        'resource in a region that offers fine-tuning for this model, or on another backend (fireworks, together).'
      : `the Azure OpenAI resource ${resource} cannot fine-tune ${spec.base_model} (Azure said: ${said}). The base ` +
        "model is not offered for fine-tuning in this resource's region, or its name or version is wrong; set " +
        'training.base_model to a model Azure lists as fine-tunable there (e.g. gpt-4.1-mini-2025-04-14).';
  return new TunegateError('fine-tuning-unavailable', message, { exitCode: ExitCode.runtime, cause: error });
}

/**
 * Azure OpenAI's fine-tuning data plane, OpenAI-shaped (`/openai/files`, `/openai/fine_tuning/jobs`, with the
 * provider's api-version, or the `/openai/v1/…` routes), through the SDK. Jobs on Azure's GA api-versions carry
 * no metadata, so the idempotency key travels in the training file's name, as on Together. The trained model
 * answers only once deployed: that step is the caller's (training/backends/azure-deploy.ts).
 */
export function createAzureFineTuneBackend(
  client: OpenAI,
  context: FineTuneCallContext,
  resource: string,
): FineTuneBackend {
  const call = <T>(what: string, action: () => Promise<T>) => fineTuneCall(what, context, action);
  const read = (job: FineTuningJob) => readOpenAIJob(client, call, job, { backend: 'azure' });

  async function upload(path: string, prefix: string): Promise<string> {
    const file = await call(`uploading ${basename(path)}`, async () =>
      client.files.create({ file: await fileUpload(path, `${prefix}${basename(path)}`), purpose: 'fine-tune' }),
    );
    return file.id;
  }

  async function findUploaded(prefix: string): Promise<string | undefined> {
    try {
      let scanned = 0;
      for await (const file of client.files.list({ purpose: 'fine-tune' })) {
        if (file.filename.startsWith(prefix)) return file.id;
        if (++scanned >= SCANNED) break;
      }
      return undefined;
    } catch (error) {
      // The first call of a start: a 404 here is the endpoint, not a file.
      if (!(error instanceof APIError) || error.status !== 404) throw toFineTuneError(error, 'listing files', context);
      throw new TunegateError(
        'fine-tune-request',
        `provider "${context.provider}" does not reach the fine-tuning routes of an Azure OpenAI resource ` +
          `(Azure said: ${redact(serverMessage(error), context.secrets)}); set its base_url to ` +
          'https://<resource>.openai.azure.com/openai with api_version (e.g. 2024-10-21), or to …/openai/v1',
        { exitCode: ExitCode.usage, cause: error },
      );
    }
  }

  async function findJobOn(trainingFile: string): Promise<FineTuningJob | undefined> {
    return call('listing fine-tuning jobs', async () => {
      let scanned = 0;
      for await (const job of client.fineTuning.jobs.list({ limit: 50 })) {
        if (job.training_file === trainingFile) return job;
        if (++scanned >= SCANNED) break;
      }
      return undefined;
    });
  }

  return {
    name: 'azure',
    async start(spec: TrainingJobSpec): Promise<TrainingJob> {
      const tag = keyTag(spec.idempotency_key);
      const trainingPrefix = `${tag}-train-`;
      const uploaded = await findUploaded(trainingPrefix);
      const existing = uploaded === undefined ? undefined : await findJobOn(uploaded);
      if (existing) return read(existing);
      const trainingFile = uploaded ?? (await upload(spec.training_file, trainingPrefix));
      const validationFile =
        spec.validation_file === undefined ? undefined : await upload(spec.validation_file, `${tag}-validation-`);
      let job: FineTuningJob;
      try {
        job = await client.fineTuning.jobs.create({
          model: spec.base_model,
          training_file: trainingFile,
          ...(validationFile === undefined ? {} : { validation_file: validationFile }),
          ...(spec.suffix === undefined ? {} : { suffix: spec.suffix }),
          // Azure's GA api-versions take epochs here (`method` is newer).
          ...(spec.epochs === undefined ? {} : { hyperparameters: { n_epochs: spec.epochs } }),
        });
      } catch (error) {
        throw refusal(error, spec, resource, context);
      }
      return read(job);
    },
    async status(id: string): Promise<TrainingJob> {
      return read(await call(`reading fine-tuning job ${id}`, () => client.fineTuning.jobs.retrieve(id)));
    },
    async cancel(id: string): Promise<TrainingJob> {
      return read(await call(`cancelling fine-tuning job ${id}`, () => client.fineTuning.jobs.cancel(id)));
    },
  };
}
