import { basename } from 'node:path';
import type OpenAI from 'openai';
import { type FineTuneCallContext, fileUpload, fineTuneCall } from './fine-tune-shared.js';
import type { FineTuneBackend, JobStatus, TrainingJob, TrainingJobSpec } from './fine-tune-types.js';
import { keyTag } from './key-tag.js';

/** The parts of a Together fine-tune job this backend reads. */
interface TogetherJob {
  id: string;
  status: string;
  training_file?: string;
  output_name?: string | null;
  events?: { created_at: string | number; message: string }[] | null;
}

interface TogetherFile {
  id: string;
  filename?: string;
}

const TOGETHER_STATUS: Record<string, JobStatus> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  compressing: 'running',
  uploading: 'running',
  completed: 'succeeded',
  error: 'failed',
  failed: 'failed',
  cancel_requested: 'cancelled',
  cancelled: 'cancelled',
};

function eventTime(at: string | number): string {
  const date = typeof at === 'number' ? new Date(at * 1000) : new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString();
}

function toTrainingJob(job: TogetherJob): TrainingJob {
  const status = TOGETHER_STATUS[job.status] ?? 'running';
  return {
    backend: 'together',
    id: job.id,
    status,
    // Together names the output when the job is created; it is a model only once training succeeded.
    ...(status === 'succeeded' && job.output_name ? { model: job.output_name } : {}),
    events: (job.events ?? []).map((event) => ({ at: eventTime(event.created_at), message: event.message })),
  };
}

/** Together's fine-tuning API (`/files/upload`, `/fine-tunes`) through the SDK's generic requests. */
export function createTogetherFineTuneBackend(client: OpenAI, context: FineTuneCallContext): FineTuneBackend {
  const call = <T>(what: string, action: () => Promise<T>) => fineTuneCall(what, context, action);

  async function upload(path: string, prefix: string): Promise<string> {
    const fileName = `${prefix}${basename(path)}`;
    const form = new FormData();
    form.append('file', await fileUpload(path, fileName));
    form.append('file_name', fileName);
    form.append('purpose', 'fine-tune');
    const file = await call(`uploading ${basename(path)}`, () =>
      client.post<TogetherFile>('/files/upload', { body: form }),
    );
    return file.id;
  }

  async function findUploaded(prefix: string): Promise<string | undefined> {
    const files = await call('listing files', () => client.get<{ data?: TogetherFile[] }>('/files'));
    return files.data?.find((file) => file.filename?.startsWith(prefix))?.id;
  }

  async function findJobOn(trainingFile: string): Promise<TogetherJob | undefined> {
    const jobs = await call('listing fine-tune jobs', () => client.get<{ data?: TogetherJob[] }>('/fine-tunes'));
    return jobs.data?.find((job) => job.training_file === trainingFile);
  }

  async function retrieve(id: string): Promise<TogetherJob> {
    return call(`reading fine-tune job ${id}`, () => client.get<TogetherJob>(`/fine-tunes/${encodeURIComponent(id)}`));
  }

  return {
    name: 'together',
    async start(spec: TrainingJobSpec): Promise<TrainingJob> {
      const tag = keyTag(spec.idempotency_key);
      const trainingPrefix = `${tag}-train-`;
      const uploaded = await findUploaded(trainingPrefix);
      if (uploaded !== undefined) {
        const existing = await findJobOn(uploaded);
        // The list may hold a summary only: the job itself has the events.
        if (existing) return toTrainingJob(await retrieve(existing.id));
      }
      const trainingFile = uploaded ?? (await upload(spec.training_file, trainingPrefix));
      const validationFile =
        spec.validation_file === undefined ? undefined : await upload(spec.validation_file, `${tag}-validation-`);
      const job = await call('creating the fine-tune job', () =>
        client.post<TogetherJob>('/fine-tunes', {
          body: {
            training_file: trainingFile,
            model: spec.base_model,
            ...(validationFile === undefined ? {} : { validation_file: validationFile }),
            ...(spec.epochs === undefined ? {} : { n_epochs: spec.epochs }),
            ...(spec.suffix === undefined ? {} : { suffix: spec.suffix }),
          },
        }),
      );
      return toTrainingJob(job);
    },
    async status(id: string): Promise<TrainingJob> {
      return toTrainingJob(await retrieve(id));
    },
    async cancel(id: string): Promise<TrainingJob> {
      const path = `/fine-tunes/${encodeURIComponent(id)}/cancel`;
      return toTrainingJob(await call(`cancelling fine-tune job ${id}`, () => client.post<TogetherJob>(path)));
    },
  };
}
