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

/** sha256 (hex) of the canonical JSON of everything that determines a response. */
export function cacheKey(
  baseUrl: string | undefined,
  model: string,
  messages: ChatMessage[],
  params: Record<string, unknown>,
): string {
  return createHash('sha256')
    .update(canonicalJson({ base_url: baseUrl ?? null, messages, model, params }))
    .digest('hex');
}

/**
 * Computes `cacheKey(baseUrl, model, [...prefix, last], params)` for many `last` messages while hashing the
 * shared prefix (system prompt, few-shot examples) only once: the canonical JSON is
 * `{"base_url":…,"messages":[…prefix…,last],"model":…,"params":…}`, so the hash state after the prefix is
 * copied per call. Gives exactly the same keys as `cacheKey`.
 */
export function prefixKeyer(
  baseUrl: string | undefined,
  model: string,
  prefix: ChatMessage[],
  params: Record<string, unknown>,
): (last: ChatMessage) => string {
  const head = `{"base_url":${canonicalJson(baseUrl ?? null)},"messages":[${prefix
    .map(canonicalJson)
    .map((m) => `${m},`)
    .join('')}`;
  const tail = `],"model":${canonicalJson(model)},"params":${canonicalJson(params)}}`;
  const prefixHash: Hash = createHash('sha256').update(head);
  return (last) => prefixHash.copy().update(canonicalJson(last)).update(tail).digest('hex');
}
