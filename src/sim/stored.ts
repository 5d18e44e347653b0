import { cursorPage, matchesMetadata, metadataFilter } from './pages.js';

interface StoredEntry {
  completion: { id: string; model: string; metadata: Record<string, string> | null } & Record<string, unknown>;
  messages: { role: string; content: string }[];
}

/** Chat completions made with `store: true`, listed like OpenAI's stored completions. */
export class StoredCompletions {
  private readonly entries: StoredEntry[] = [];
  private readonly byId = new Map<string, StoredEntry>();

  get size(): number {
    return this.entries.length;
  }

  add(completion: StoredEntry['completion'], messages: { role: string; content: string }[]): void {
    const entry = { completion, messages };
    this.entries.push(entry);
    this.byId.set(completion.id, entry);
  }

  /** Filtered by `model` and `metadata[key]=value`, oldest first unless `order=desc`, paginated. */
  list(query: URLSearchParams) {
    const model = query.get('model');
    const filter = metadataFilter(query);
    const found = this.entries
      .filter(
        (entry) =>
          (model === null || entry.completion.model === model) && matchesMetadata(entry.completion.metadata, filter),
      )
      .map((entry) => entry.completion);
    if (query.get('order') === 'desc') found.reverse();
    return cursorPage(found, query);
  }

  /** The request's messages, or undefined for an unknown completion. */
  messages(id: string, query: URLSearchParams) {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    const messages = entry.messages.map((message, index) => ({
      id: `${id}-${index}`,
      role: message.role,
      content: message.content,
      content_parts: null,
      name: null,
    }));
    return cursorPage(messages, query);
  }
}
