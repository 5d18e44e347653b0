import type { ProviderSpec } from '../suite/types.js';
import { createOpenAIClient } from './client.js';
import { fineTuneCall } from './fine-tune-shared.js';

export interface StoredCompletion {
  id: string;
  /** The last user message of the request. */
  input: string;
  /** The assistant's answer. */
  output: string;
}

export interface StoredCompletionQuery {
  model?: string;
  metadata: Record<string, string>;
  /** At most this many completions are returned. */
  limit: number;
}

const PAGE_SIZE = 100;

/** Text of a stored message: its content, or the text parts when it was sent as parts. */
function messageText(message: { content?: unknown; content_parts?: unknown }): string {
  if (typeof message.content === 'string') return message.content;
  const parts = Array.isArray(message.content_parts) ? message.content_parts : [];
  return parts.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/**
 * Completions stored with `store: true` (OpenAI's stored completions), filtered by model and
 * metadata, as input/output pairs. Completions without a user message or an answer are skipped.
 */
export async function listStoredCompletions(
  provider: ProviderSpec,
  env: Record<string, string | undefined>,
  query: StoredCompletionQuery,
): Promise<StoredCompletion[]> {
  const { client, secrets } = createOpenAIClient(provider, env);
  const context = { provider: provider.name, secrets, feature: 'stored-completions' as const };
  const found: StoredCompletion[] = [];
  if (query.limit <= 0) return found;
  const filter = {
    ...(query.model === undefined ? {} : { model: query.model }),
    ...(Object.keys(query.metadata).length === 0 ? {} : { metadata: query.metadata }),
    limit: Math.min(PAGE_SIZE, query.limit),
  };
  await fineTuneCall('listing stored completions', context, async () => {
    for await (const completion of client.chat.completions.list(filter)) {
      const output = completion.choices[0]?.message?.content;
      if (typeof output !== 'string' || output === '') continue;
      let input: string | undefined;
      for await (const message of client.chat.completions.messages.list(completion.id, { limit: PAGE_SIZE })) {
        // The SDK types stored messages as assistant messages; the request's user turns come back too.
        if ((message.role as string) === 'user') input = messageText(message);
      }
      if (input === undefined) continue;
      found.push({ id: completion.id, input, output });
      if (found.length >= query.limit) break;
    }
  });
  return found;
}
