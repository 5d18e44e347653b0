import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from '../read-if-exists.js';

/**
 * Where a suite may read files: its repository (the nearest ancestor of the suite file holding
 * `.git`, a directory or a worktree's file; else the suite file's directory), symlinks resolved.
 * A suite reading outside it could send any file on the machine to a model and into a PR comment.
 */

/** `suite`: honour the suite's allow_outside_paths; `never`: refuse outside paths even so (untrusted events). */
export type OutsidePaths = 'suite' | 'never';

export interface Workspace {
  /** Real path of the repository root. */
  root: string;
  /** Outside paths are allowed: the suite opts in and the run does not forbid it. */
  allowOutside: boolean;
  /** The run forbids outside paths whatever the suite says. */
  forbidden: boolean;
}

/** Nearest ancestor of `dir` (itself included) holding `.git`, else `dir`; as a real path. */
export async function repositoryRoot(dir: string): Promise<string> {
  for (let current = dir; ; current = path.dirname(current)) {
    if (await pathExists(path.join(current, '.git'))) return realpathLoose(current);
    if (path.dirname(current) === current) return realpathLoose(dir);
  }
}

/** The real path of `file`; for one that does not exist yet, of its nearest existing ancestor plus the rest. */
export async function realpathLoose(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    const parent = path.dirname(file);
    if (parent === file) return file;
    return path.join(await realpathLoose(parent), path.basename(file));
  }
}

/** True when `target` is `dir` or lies under it (lexically: resolve symlinks first where they matter). */
export function isWithin(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}

/** The real path of `file` when it lies outside the workspace root, else undefined. */
export async function outsideTarget(root: string, file: string): Promise<string | undefined> {
  const real = await realpathLoose(file);
  return isWithin(root, real) ? undefined : real;
}

/** Why an outside path is refused, and what to do. */
export function outsideMessage(workspace: Workspace, real: string): string {
  const where = `resolves to ${real}, outside the repository (${workspace.root})`;
  return workspace.forbidden
    ? `${where}; this run refuses paths outside the repository even with allow_outside_paths: true (an untrusted event); move it inside`
    : `${where}; move it inside or set allow_outside_paths: true`;
}
