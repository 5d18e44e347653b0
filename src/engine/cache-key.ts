import { createHash, type Hash } from 'node:crypto';
import type { ChatMessage } from '../providers/types.js';

/** JSON with object keys sorted at every level, so equal values always serialise to equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * What identifies an endpoint in a cache key: its URL (or the identity standing in for it), its API version
 * and its extra headers (a header can route to another deployment or model version).
 */
export interface EndpointIdentity {
  base_url?: string;
  api_version?: string;
  /** Values as the suite gives them: text, or a reference such as `{ env: NAME }` (its name, never the secret). */
  headers?: Record<string, unknown>;
}

/** The identity of a provider's endpoint for cache keys. */
export function endpointOf(provider: {
  base_url?: string;
  cache_identity?: string;
  api_version?: string;
  headers?: Record<string, unknown>;
}): EndpointIdentity {
  return {
    base_url: provider.cache_identity ?? provider.base_url,
    api_version: provider.api_version,
    headers: provider.headers,
  };
}

/**
 * The endpoint's fields of the key, in canonical order: `api_version` and `headers` only when set, so keys of
 * endpoints without them are unchanged. Headers enter as a sha256 of their canonical JSON (names lowercased,
 * as HTTP compares them).
 */
function endpointHead(endpoint: EndpointIdentity): string {
  const fields: string[] = [];
  if (endpoint.api_version !== undefined) fields.push(`"api_version":${canonicalJson(endpoint.api_version)}`);
  fields.push(`"base_url":${canonicalJson(endpoint.base_url ?? null)}`);
  const headers = Object.entries(endpoint.headers ?? {});
  if (headers.length > 0) {
    const named = Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
    fields.push(`"headers":"${createHash('sha256').update(canonicalJson(named)).digest('hex')}"`);
  }
  return fields.join(',');
}

/**
 * Whether repeated requests draw different answers: above temperature 0, or without a temperature (OpenAI-compatible
 * servers then sample, at 1 by default). At temperature 0 repeated samples are one answer and share one entry.
 */
export function samples(params: Record<string, unknown>): boolean {
  return params.temperature !== 0;
}

/**
 * The key's last field: the sample index, only for sampled requests and only from the second sample on, so that
 * the first sample (every call of a run without repeats) keeps the key it always had.
 */
function sampleTail(params: Record<string, unknown>, sample: number): string {
  return sample > 0 && samples(params) ? `,"sample":${sample}}` : '}';
}

/** sha256 (hex) of the canonical JSON of everything that determines a response. */
export function cacheKey(
  endpoint: EndpointIdentity,
  model: string,
  messages: ChatMessage[],
  params: Record<string, unknown>,
  sample = 0,
): string {
  return createHash('sha256')
    .update(`{${endpointHead(endpoint)},"messages":${canonicalJson(messages)}`)
    .update(`,"model":${canonicalJson(model)},"params":${canonicalJson(params)}${sampleTail(params, sample)}`)
    .digest('hex');
}

/**
 * Computes `cacheKey(endpoint, model, [...prefix, last], params, sample)` for many `last` messages while hashing
 * the shared prefix (system prompt, few-shot examples) only once: the canonical JSON is
 * `{…endpoint…,"messages":[…prefix…,last],"model":…,"params":…}`, so the hash state after the prefix is
 * copied per call. Gives exactly the same keys as `cacheKey`.
 */
export function prefixKeyer(
  endpoint: EndpointIdentity,
  model: string,
  prefix: ChatMessage[],
  params: Record<string, unknown>,
): (last: ChatMessage, sample?: number) => string {
  const head = `{${endpointHead(endpoint)},"messages":[${prefix
    .map(canonicalJson)
    .map((m) => `${m},`)
    .join('')}`;
  const tail = `],"model":${canonicalJson(model)},"params":${canonicalJson(params)}`;
  const prefixHash: Hash = createHash('sha256').update(head);
  return (last, sample = 0) =>
    prefixHash.copy().update(canonicalJson(last)).update(tail).update(sampleTail(params, sample)).digest('hex');
}
