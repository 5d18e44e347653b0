import { basename } from 'node:path';
import type OpenAI from 'openai';
import type { FineTuningJob, JobCreateParams } from 'openai/resources/fine-tuning/jobs/jobs';
import type { ProviderSpec } from '../suite/types.js';
import { createOpenAIClient } from './client.js';
import { createAzureFineTuneBackend, resourceName } from './fine-tune-azure.js';
import { type FineTuneCallContext, fileUpload, fineTuneCall, readOpenAIJob } from './fine-tune-shared.js';
import { createTogetherFineTuneBackend } from './fine-tune-together.js';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from './fine-tune-types.js';

export { toFineTuneError } from './fine-tune-shared.js';

/** Metadata keys a job carries so a later start with the same key finds it instead of starting another. */
export const KEY_METADATA = 'tunegate_key';
export const SUITE_METADATA = 'tunegate_suite';
/** How many recent jobs are scanned for one with the same key. */
const RECENT_JOBS_SCANNED = 100;
const OPENAI_HOST = 'api.openai.com';

/**
 * A fine-tuning backend over an OpenAI-compatible endpoint: OpenAI's own API, Together's `/fine-tunes`, or an
 * Azure OpenAI resource's `/openai/fine_tuning/jobs` (api-key header and api-version from the provider).
 */
export function createOpenAIFineTuneBackend(
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  options: { api: 'openai' | 'together' | 'azure' },
): FineTuneBackend {
  const { client, secrets } = createOpenAIClient(provider, env);
  const context: FineTuneCallContext = { provider: provider.name, secrets };
  if (options.api === 'together') return createTogetherFineTuneBackend(client, context);
  if (options.api === 'azure') return createAzureFineTuneBackend(client, context, resourceName(provider.base_url));
  return createOpenAIBackend(client, context, isOpenAI(provider.base_url));
}

/** OpenAI's `method`: DPO on preference pairs, or supervised (sent only to set the epochs). */
function jobMethod(spec: TrainingJobSpec): { method?: JobCreateParams.Method } {
  const hyperparameters = spec.epochs === undefined ? {} : { hyperparameters: { n_epochs: spec.epochs } };
  if (spec.method === 'dpo') return { method: { type: 'dpo', dpo: hyperparameters } };
  return spec.epochs === undefined ? {} : { method: { type: 'supervised', supervised: hyperparameters } };
}

function isOpenAI(baseUrl: string | undefined): boolean {
  return baseUrl === undefined || new URL(baseUrl).hostname === OPENAI_HOST;
}

function createOpenAIBackend(client: OpenAI, context: FineTuneCallContext, onOpenAI: boolean): FineTuneBackend {
  const call = <T>(what: string, action: () => Promise<T>) => fineTuneCall(what, context, action);

  async function upload(path: string): Promise<string> {
    const file = await call(`uploading ${basename(path)}`, async () =>
      client.files.create({ file: await fileUpload(path), purpose: 'fine-tune' }),
    );
    return file.id;
  }

  /** A job started earlier with this key, among the most recent ones. */
  async function findByKey(key: string): Promise<FineTuningJob | undefined> {
    return call('listing fine-tuning jobs', async () => {
      let scanned = 0;
      // Servers that ignore the metadata filter return every job: the key is checked here as well.
      for await (const job of client.fineTuning.jobs.list({ metadata: { [KEY_METADATA]: key }, limit: 20 })) {
        if (job.metadata?.[KEY_METADATA] === key) return job;
        if (++scanned >= RECENT_JOBS_SCANNED) break;
      }
      return undefined;
    });
  }

  const toTrainingJob = (job: FineTuningJob) =>
    readOpenAIJob(client, call, job, {
      backend: 'openai',
      ...(onOpenAI ? { url: `https://platform.openai.com/finetune/${job.id}` } : {}),
    });

  return {
    name: 'openai',
    async start(spec: TrainingJobSpec): Promise<TrainingJob> {
      const existing = await findByKey(spec.idempotency_key);
      if (existing) return toTrainingJob(existing);
      const trainingFile = await upload(spec.training_file);
      const validationFile = spec.validation_file === undefined ? undefined : await upload(spec.validation_file);
      const job = await call('creating the fine-tuning job', () =>
        client.fineTuning.jobs.create({
          model: spec.base_model,
          training_file: trainingFile,
          ...(validationFile === undefined ? {} : { validation_file: validationFile }),
          ...(spec.suffix === undefined ? {} : { suffix: spec.suffix }),
          ...jobMethod(spec),
          metadata: { [KEY_METADATA]: spec.idempotency_key, [SUITE_METADATA]: spec.suite },
        }),
      );
      return toTrainingJob(job);
    },
    async status(id: string): Promise<TrainingJob> {
      const job = await call(`reading fine-tuning job ${id}`, () => client.fineTuning.jobs.retrieve(id));
      return toTrainingJob(job);
    },
    async cancel(id: string): Promise<TrainingJob> {
      const job = await call(`cancelling fine-tuning job ${id}`, () => client.fineTuning.jobs.cancel(id));
      return toTrainingJob(job);
    },
  };
}
