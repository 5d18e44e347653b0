import type { ErrorObject } from 'ajv';
import { didYouMean } from '../edit-distance.js';
import type { Problem } from '../errors.js';
import { displayPath, locatePath, pointerSegments, type SourceDoc } from './locate.js';

/**
 * Turns ajv errors (collected with allErrors and verbose) into one located, actionable problem each.
 * Failed anyOf/oneOf branches are reduced to the branch the user evidently meant (the one whose type
 * and keys match the data), so a typo inside a scorer is reported as a typo, not as "must match a schema".
 */

type Schema = Record<string, unknown>;

const patternHints: Record<string, string> = {
  '^file://.+': 'must be a file:// reference, e.g. file://prompts/system.md',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'must start with a letter or digit and use only letters, digits, ".", "_" and "-"',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'must be the name of an environment variable (e.g. OPENAI_API_KEY), not the key itself',
  '^https?://': 'must be a URL starting with http:// or https://',
  '^[dgimsuvy]*$': 'may only contain the regular expression flags d, g, i, m, s, u, v, y',
};

const typeNames: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function describeValue(value: unknown): string {
  const type = jsonType(value);
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return JSON.stringify(value);
  return typeNames[type] ?? type;
}

function acceptsType(schema: Schema, value: unknown): boolean {
  // A failed const branch names one exact value: the data evidently meant another branch.
  if (schema.const !== undefined) return false;
  const actual = jsonType(value);
  const declared = schema.type;
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? declared : [declared];
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

/** A branch's declared properties (none when it declares none). */
function propertiesOf(branch: Schema | undefined): Record<string, Schema> {
  const properties = branch?.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, Schema>) : {};
}

/**
 * The branches the data plausibly targets: right type and, for mappings, at least one known key; of
 * those, the ones whose fixed values (a `type: azure` discriminator) the data gives, when any does.
 */
function intendedBranches(branches: Schema[], data: unknown): number[] {
  const typed = branches.flatMap((branch, index) => (acceptsType(branch, data) ? [index] : []));
  if (typed.length <= 1 || jsonType(data) !== 'object') return typed;
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record);
  const keyed = typed.filter((index) => keys.some((key) => key in propertiesOf(branches[index])));
  const candidates = keyed.length > 0 ? keyed : typed;
  const discriminated = candidates.filter((index) =>
    Object.entries(propertiesOf(branches[index])).some(
      ([key, property]) => property.const !== undefined && record[key] === property.const,
    ),
  );
  return discriminated.length > 0 ? discriminated : candidates;
}

function describeBranch(branch: Schema): string {
  if (branch.const !== undefined) return JSON.stringify(branch.const);
  if (Array.isArray(branch.enum)) return `one of ${branch.enum.join(', ')}`;
  const type = Array.isArray(branch.type) ? branch.type : [branch.type];
  return type.map((t) => typeNames[String(t)] ?? String(t)).join(' or ');
}

function compositeMessage(error: ErrorObject, branches: Schema[]): string {
  const requiredOnly = branches.every((b) => Array.isArray(b.required) && Object.keys(b).length === 1);
  if (requiredOnly) {
    const keys = branches.map((b) => (b.required as string[]).join(' + '));
    const found = error.keyword === 'oneOf' && error.params.passingSchemas ? 'both are set' : 'neither is set';
    return `set exactly one of ${keys.join(' or ')} (${found})`;
  }
  return `must be ${branches.map(describeBranch).join(', or ')} (got ${describeValue(error.data)})`;
}

function limitMessage(error: ErrorObject): string {
  const comparisons: Record<string, string> = {
    minimum: '>=',
    maximum: '<=',
    exclusiveMinimum: '>',
    exclusiveMaximum: '<',
  };
  return `must be ${comparisons[error.keyword]} ${error.params.limit} (got ${describeValue(error.data)})`;
}

interface Located {
  path: string[];
  at: 'value' | 'key';
  message: string;
}

/** A map key that breaks a `propertyNames` rule: located at the key itself, the key quoted (escaped). */
function explainKey(error: ErrorObject, key: string): Located {
  const path = [...pointerSegments(error.instancePath), key];
  const rule =
    error.keyword === 'pattern'
      ? (patternHints[String(error.params.pattern)] ?? `must match the pattern ${error.params.pattern}`)
      : (error.message ?? `fails the "${error.keyword}" rule`);
  return { path, at: 'key', message: `name ${JSON.stringify(key)} ${rule}` };
}

function explain(error: ErrorObject): Located {
  const path = pointerSegments(error.instancePath);
  const parentSchema = (error.parentSchema ?? {}) as Schema;
  if (error.propertyName !== undefined) return explainKey(error, error.propertyName);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((parentSchema.properties ?? {}) as Schema);
      const hint = allowed.length > 0 ? `${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}` : '';
      return { path: [...path, key], at: 'key', message: `unknown key "${key}"${hint}` };
    }
    case 'required':
      return { path, at: 'key', message: `missing required key "${error.params.missingProperty}"` };
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return {
        path,
        at: 'value',
        message: `must be one of ${allowed.join(', ')} (got ${describeValue(error.data)})${hint}`,
      };
    }
    case 'type': {
      const types = String(error.params.type).split(',');
      const wanted = types.map((t) => typeNames[t] ?? t).join(' or ');
      const quoteHint =
        types.includes('string') && typeof error.data !== 'object' ? '; quote it to keep it as text' : '';
      return { path, at: 'value', message: `must be ${wanted} (got ${describeValue(error.data)})${quoteHint}` };
    }
    case 'pattern': {
      const pattern = String(error.params.pattern);
      const hint = patternHints[pattern] ?? `must match the pattern ${pattern}`;
      return { path, at: 'value', message: `${hint} (got ${describeValue(error.data)})` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, at: 'value', message: limitMessage(error) };
    case 'minLength':
      return { path, at: 'value', message: 'must not be empty' };
    case 'minItems':
      return { path, at: 'value', message: `must have at least ${error.params.limit} item(s)` };
    case 'minProperties':
      return { path, at: 'key', message: `must have at least ${error.params.limit} entry` };
    case 'maxProperties': {
      const keys = Object.keys((error.data ?? {}) as object).join(', ');
      return { path, at: 'value', message: `must have exactly one key, the scorer name (found ${keys})` };
    }
    case 'const':
      return { path, at: 'value', message: `must be ${JSON.stringify(error.params.allowedValue)}` };
    default:
      return { path, at: 'value', message: error.message ?? `fails the "${error.keyword}" rule` };
  }
}

/** Drops the branch errors of every failed anyOf/oneOf, keeping those of the intended branch if there is one. */
function reduceComposites(errors: ErrorObject[]): { kept: ErrorObject[]; summaries: Map<ErrorObject, string> } {
  const dropped = new Set<ErrorObject>();
  const summaries = new Map<ErrorObject, string>();
  const composites = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const composite of composites) {
    if (dropped.has(composite)) continue;
    const branches = (composite.schema ?? []) as Schema[];
    const intended = intendedBranches(branches, composite.data);
    const prefix = `${composite.schemaPath}/`;
    const nested = errors.filter(
      (e) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(composite.instancePath),
    );
    const keepBranch = intended.length === 1 && !(composite.keyword === 'oneOf' && composite.params.passingSchemas);
    const branchPrefix = `${prefix}${intended[0]}/`;
    const branchErrors = keepBranch ? nested.filter((e) => e.schemaPath.startsWith(branchPrefix)) : [];
    for (const error of nested) if (!branchErrors.includes(error)) dropped.add(error);
    if (branchErrors.length > 0) dropped.add(composite);
    else summaries.set(composite, compositeMessage(composite, branches));
  }
  return { kept: errors.filter((e) => !dropped.has(e)), summaries };
}

/** The errors worth reporting: a failed anyOf/oneOf reduced to its intended branch, key errors at the key. */
export function meaningfulErrors(errors: ErrorObject[]): ReturnType<typeof reduceComposites> {
  // A propertyNames error only wraps the errors of the key (reported at the key, see explainKey).
  return reduceComposites(errors.filter((e) => e.keyword !== 'propertyNames'));
}

export function schemaProblems(errors: ErrorObject[], source: SourceDoc, file: string): Problem[] {
  const { kept, summaries } = meaningfulErrors(errors);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of kept) {
    const summary = summaries.get(error);
    const located: Located = summary
      ? {
          path: pointerSegments(error.instancePath),
          at: jsonType(error.data) === 'object' ? 'key' : 'value',
          message: summary,
        }
      : explain(error);
    const keyOnly = error.keyword === 'additionalProperties' || error.propertyName !== undefined;
    const shownPath = located.path.slice(0, keyOnly ? -1 : undefined);
    const where = displayPath(shownPath) || (error.keyword === 'type' ? 'the suite' : '');
    const message = where ? `${where}: ${located.message}` : located.message;
    const { line, col } = locatePath(source, located.path, located.at);
    const key = `${line}:${col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line, col, message, code: 'schema' });
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}
