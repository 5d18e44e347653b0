import path from 'node:path';

/**
 * `file://` in a suite is a prefix, not a URL: what follows is a path relative to the suite file
 * (`file://prompts/system.md`), or an absolute path (`file:///etc/prompt.md`).
 */
export const FILE_REF = 'file://';

export function isFileRef(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(FILE_REF);
}

export function fileRefPath(suiteDir: string, ref: string): string {
  return path.resolve(suiteDir, ref.slice(FILE_REF.length));
}

/**
 * How a file next to a suite is named in messages: relative to the same base as the suite file's
 * own name (usually the working directory), so `file:line:col` is clickable in a terminal.
 */
export function shownPath(suite: { file: string; dir: string }, absolute: string): string {
  if (path.isAbsolute(suite.file)) return absolute;
  return path.join(path.dirname(suite.file), path.relative(suite.dir, absolute));
}
