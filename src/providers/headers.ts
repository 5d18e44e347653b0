import { TunegateError } from '../errors.js';
import type { ProviderSpec } from '../suite/types.js';

export interface ResolvedHeaders {
  /** Header name → the value sent. */
  headers: Record<string, string>;
  /** Values read from the environment: secrets, redacted from every message. */
  secrets: string[];
}

/** The provider's extra headers as sent: literal values as written, `{ env: NAME }` values read from `env`. */
export function resolveHeaders(provider: ProviderSpec, env: Record<string, string | undefined>): ResolvedHeaders {
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(provider.headers)) {
    if (typeof value === 'string') {
      headers[name] = value;
      continue;
    }
    const secret = env[value.env];
    if (secret === undefined || secret === '') {
      throw new TunegateError(
        'missing-header-env',
        `Provider "${provider.name}" sends header "${name}" from $${value.env}, which is not set. ` +
          'Set it, or give the header a literal value.',
      );
    }
    headers[name] = secret;
    secrets.push(secret);
  }
  return { headers, secrets };
}
