import { TunegateError } from '../errors.js';

/** A template split once into literal text and field references, so rendering 100k cases never re-parses it. */
type TemplatePart = { literal: string } | { field: string };

const FIELD_PATTERN = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const compiled = new Map<string, TemplatePart[]>();

function compile(template: string): TemplatePart[] {
  const known = compiled.get(template);
  if (known) return known;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(FIELD_PATTERN)) {
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push({ field: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  compiled.set(template, parts);
  return parts;
}

/** The distinct field names a template reads, in order of first use (lets validation check them up front). */
export function templateFields(template: string): string[] {
  const fields = new Set<string>();
  for (const part of compile(template)) if ('field' in part) fields.add(part.field);
  return [...fields];
}

/**
 * Reads `path` from `fields`: an exact key first (CSV headers may contain dots), then a dotted path
 * into nested objects. Returns undefined when absent.
 */
export function readField(fields: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(fields, path)) return fields[path];
  let value: unknown = fields;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Renders `{{field}}` references with values found by `lookup`; objects render as JSON, null as ''.
 * A field `lookup` cannot find throws a TunegateError naming it.
 */
export function renderWith(template: string, lookup: (field: string) => unknown, available?: () => string[]): string {
  let text = '';
  for (const part of compile(template)) {
    if ('literal' in part) {
      text += part.literal;
      continue;
    }
    const value = lookup(part.field);
    if (value === undefined) {
      const known = available ? `; available fields: ${available().join(', ') || '(none)'}` : '';
      throw new TunegateError(
        'template-field',
        `template uses {{${part.field}}} but the case has no field "${part.field}"${known}; fix the template or the dataset`,
      );
    }
    text += renderValue(value);
  }
  return text;
}

/** Renders `{{input}}` and any `{{field}}` (dotted paths allowed) from `fields`. */
export function renderTemplate(template: string, fields: Record<string, unknown>): string {
  return renderWith(
    template,
    (field) => readField(fields, field),
    () => Object.keys(fields),
  );
}
