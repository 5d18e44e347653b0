/** One page of a cursor-paginated OpenAI list: items after the `after` id, at most `limit` of them. */
export function cursorPage<T extends { id: string }>(
  items: readonly T[],
  query: URLSearchParams,
  defaultLimit = 20,
): { object: 'list'; data: T[]; first_id: string | null; last_id: string | null; has_more: boolean } {
  const after = query.get('after');
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1;
  const asked = Number(query.get('limit') ?? defaultLimit);
  const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, 100) : defaultLimit;
  // An unknown cursor gives an empty page rather than starting over.
  const data = after !== null && start === 0 ? [] : items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + data.length < items.length && data.length > 0,
  };
}

/** `metadata[key]=value` query parameters as a map. */
export function metadataFilter(query: URLSearchParams): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [name, value] of query) {
    const match = /^metadata\[(.+)\]$/.exec(name);
    if (match) filter[match[1] as string] = value;
  }
  return filter;
}

export function matchesMetadata(metadata: Record<string, string> | null, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([name, value]) => metadata?.[name] === value);
}
