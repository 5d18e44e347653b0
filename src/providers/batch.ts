import { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ProviderSpec } from '../suite/types.js';
import { createOpenAIClient, SIMULATOR_HEADER, toUsage } from './client.js';
import { toProviderError } from './errors.js';
import type { ChatRequest, TokenUsage } from './types.js';

/** The one endpoint batched: chat completions, as OpenAI and OpenAI-shaped providers (Together…) accept it. */
export const BATCH_ENDPOINT = '/v1/chat/completions';

export type BatchStatus = Batch['status'];

/** Statuses after which a batch changes no more: its output and error files are final. */
export const FINISHED_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled'];

/** One request of a batch; `custom_id` comes back with its answer. */
export interface BatchRequest {
  custom_id: string;
  request: ChatRequest;
}

/** What a batch says about itself when polled. */
export interface BatchState {
  id: string;
  status: BatchStatus;
  total: number;
  completed: number;
  failed: number;
  output_file_id: string | null;
  error_file_id: string | null;
}

/** One line of a finished batch: an answer, or why there is none (`expired`: the window ran out before it). */
export type BatchLineResult =
  | { custom_id: string; ok: true; text: string; usage: TokenUsage | null; simulated: boolean }
  | { custom_id: string; ok: false; error: string; expired: boolean };

/** A provider's Batch API (files + batches) over the `openai` SDK. Errors are ProviderErrors. */
export interface BatchClient {
  /** Uploads the requests as a JSONL file and creates a batch (24 h window) over it. */
  submit(
    requests: readonly BatchRequest[],
    metadata?: Record<string, string>,
  ): Promise<{ batch_id: string; input_file_id: string }>;
  /** The batch's state, or null when the provider no longer knows it (404). */
  retrieve(batchId: string): Promise<BatchState | null>;
  /** Every line of the output and error files of a finished batch. */
  results(state: BatchState): Promise<BatchLineResult[]>;
}

interface OutputLine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

function toState(batch: Batch): BatchState {
  return {
    id: batch.id,
    status: batch.status,
    total: batch.request_counts?.total ?? 0,
    completed: batch.request_counts?.completed ?? 0,
    failed: batch.request_counts?.failed ?? 0,
    output_file_id: batch.output_file_id ?? null,
    error_file_id: batch.error_file_id ?? null,
  };
}

function errorText(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : JSON.stringify(body);
}

/** One line of an output or error file as a result; null for a line without a custom_id (nothing to match). */
export function parseOutputLine(text: string, simulated: boolean): BatchLineResult | null {
  let line: OutputLine;
  try {
    line = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof line?.custom_id !== 'string') return null;
  const { custom_id } = line;
  const status = line.response?.status_code;
  if (status === 200) {
    const body = line.response?.body as ChatCompletion | undefined;
    const text = body?.choices?.[0]?.message?.content;
    if (typeof text === 'string') return { custom_id, ok: true, text, usage: toUsage(body?.usage), simulated };
    return { custom_id, ok: false, error: 'batch line answered 200 without a message', expired: false };
  }
  if (line.error) {
    const code = typeof line.error.code === 'string' ? line.error.code : 'error';
    const message = typeof line.error.message === 'string' ? line.error.message : '';
    return { custom_id, ok: false, error: `${code}: ${message}`, expired: code === 'batch_expired' };
  }
  return { custom_id, ok: false, error: `HTTP ${String(status)}: ${errorText(line.response?.body)}`, expired: false };
}

/** The Batch API of one provider; the SDK client is built once and retries as the provider's max_retries says. */
export function createBatchClient(provider: ProviderSpec, env: Record<string, string | undefined>): BatchClient {
  const { client, secrets } = createOpenAIClient(provider, env);
  const failure = (error: unknown) =>
    toProviderError(error, { provider: provider.name, attempts: 1, secrets, reading: false });

  async function download(fileId: string): Promise<BatchLineResult[]> {
    const response = await client.files.content(fileId);
    const simulated = response.headers.has(SIMULATOR_HEADER);
    const lines = (await response.text()).split('\n').filter((line) => line.trim() !== '');
    return lines.map((line) => parseOutputLine(line, simulated)).filter((line) => line !== null);
  }

  return {
    async submit(requests, metadata) {
      const jsonl = requests
        .map(({ custom_id, request }) =>
          JSON.stringify({
            custom_id,
            method: 'POST',
            url: BATCH_ENDPOINT,
            body: { ...request.params, model: request.model, messages: request.messages },
          }),
        )
        .join('\n');
      try {
        const file = await client.files.create({
          file: await toFile(Buffer.from(`${jsonl}\n`), 'tunegate-batch.jsonl'),
          purpose: 'batch',
        });
        const batch = await client.batches.create({
          input_file_id: file.id,
          endpoint: BATCH_ENDPOINT,
          completion_window: '24h',
          ...(metadata ? { metadata } : {}),
        });
        return { batch_id: batch.id, input_file_id: file.id };
      } catch (error) {
        throw failure(error);
      }
    },

    async retrieve(batchId) {
      try {
        return toState(await client.batches.retrieve(batchId));
      } catch (error) {
        const mapped = failure(error);
        if (mapped.status === 404) return null;
        throw mapped;
      }
    },

    async results(state) {
      try {
        const files = [state.output_file_id, state.error_file_id].filter((id) => id !== null);
        return (await Promise.all(files.map(download))).flat();
      } catch (error) {
        throw failure(error);
      }
    },
  };
}
