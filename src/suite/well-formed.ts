import type { ErrorObject, ValidateFunction } from 'ajv';
import { pointerSegments } from './locate.js';
import type { RawSuite } from './schema.js';
import { meaningfulErrors } from './schema-errors.js';

/**
 * The well-formed part of a suite that fails its schema, so the cross-checks (providers, variants,
 * file:// targets, API keys) still run on it and every problem is reported at once: each value a
 * schema error points at is removed (an unknown key, a value out of range), then, while what is left
 * still fails (a required key now missing, a list now empty), the value holding that failure goes too.
 */

export interface WellFormedPart {
  raw: RawSuite;
  /** False when the suite's name was malformed: a placeholder stands in, and no check may use it. */
  nameKept: boolean;
}

/** Enough for any suite: each round removes at least one value, and the schema nests a few levels deep. */
const MAX_ROUNDS = 32;

/** Stands for an array item being removed, so the other paths of the same round keep their indices. */
const removed = Symbol('removed');

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** The value an error is about: the offending key for key errors, the value itself otherwise. */
function target(error: ErrorObject): string[] {
  const at = pointerSegments(error.instancePath);
  if (error.keyword === 'additionalProperties') return [...at, String(error.params.additionalProperty)];
  if (error.propertyName !== undefined) return [...at, error.propertyName];
  return at;
}

function remove(root: Container, path: readonly string[]): void {
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (!isContainer(parent)) return;
    parent = (parent as Record<string, unknown>)[segment];
  }
  const last = path.at(-1) as string;
  if (Array.isArray(parent)) {
    if (Number(last) < parent.length) parent[Number(last)] = removed;
  } else if (isContainer(parent)) delete (parent as Record<string, unknown>)[last];
}

function dropRemovedItems(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== removed).map(dropRemovedItems);
  if (!isContainer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, dropRemovedItems(item)]));
}

const isMissingName = (error: ErrorObject) =>
  error.instancePath === '' && error.keyword === 'required' && error.params.missingProperty === 'name';

/**
 * The largest part of `data` that `validate` accepts, found by removing what fails; undefined when
 * the top level itself would have to go (not a mapping, or a section every check needs is unusable).
 * Calling this overwrites `validate.errors`.
 */
export function wellFormedPart(data: unknown, validate: ValidateFunction<RawSuite>): WellFormedPart | undefined {
  if (!isContainer(data) || Array.isArray(data)) return undefined;
  let copy = structuredClone(data) as Record<string, unknown>;
  let nameKept = true;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (validate(copy)) return { raw: copy, nameKept };
    const errors = validate.errors ?? [];
    // Nothing depends on the name but the duplicate-name check, so a placeholder keeps the rest checkable.
    if (errors.some(isMissingName)) {
      copy.name = 'unnamed';
      nameKept = false;
      continue;
    }
    // The errors as reported: inside a failed anyOf, only the branch the file evidently meant.
    const paths = meaningfulErrors(errors).kept.map(target);
    if (paths.some((path) => path.length === 0)) return undefined;
    for (const path of paths) remove(copy, path);
    copy = dropRemovedItems(copy) as Record<string, unknown>;
  }
  return undefined;
}
