export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects every problem of a simulator config instead of stopping at the first. */
export class Checker {
  readonly messages: string[] = [];

  add(path: string, message: string): void {
    this.messages.push(`${path}: ${message}`);
  }

  knownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name)) this.add(`${path}${name}`, `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }

  number(value: unknown, path: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `between ${min} and ${max}`;
      this.add(path, `must be a number ${range}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  /** An optional object section with known keys, or undefined (absent, or not an object: reported). */
  section(
    raw: unknown,
    name: string,
    example: string,
    allowed: readonly string[],
  ): Record<string, unknown> | undefined {
    if (raw === undefined) return undefined;
    if (!isRecord(raw)) {
      this.add(name, `must be an object like ${example}`);
      return undefined;
    }
    this.knownKeys(raw, allowed, `${name}.`);
    return raw;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.add(path, `must be true or false, got ${JSON.stringify(value)}`);
    return undefined;
  }
}
