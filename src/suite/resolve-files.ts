import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { jsonLines, parseJson } from './json-text.js';
import { fileRefPath, shownPath } from './paths.js';
import type { SuiteReport } from './report.js';
import { readUtf8File } from './text-file.js';
import type { FewShotExample } from './types.js';
import { outsideMessage, outsideTarget, type Workspace } from './workspace.js';

/** Reads the files a suite points at (file:// references, modules), reporting each failure where it is written. */

export interface FileContext {
  /** Suite file as shown in messages. */
  file: string;
  /** Absolute directory of the suite file. */
  dir: string;
  report: SuiteReport;
  /** Absolute paths of the files the suite reads, collected while resolving (see LoadedSuite.sources). */
  sources: Set<string>;
  /** Where the suite may read files. */
  workspace: Workspace;
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
}

/** Checks that `absolute` resolves inside the workspace, unless the suite may read outside; reports at `yamlPath`. */
export async function checkInsideWorkspace(ctx: FileContext, yamlPath: string[], absolute: string): Promise<boolean> {
  if (ctx.workspace.allowOutside) return true;
  const outside = await outsideTarget(ctx.workspace.root, absolute);
  if (outside === undefined) return true;
  ctx.report.at(yamlPath, 'outside-path', outsideMessage(ctx.workspace, outside));
  return false;
}

/** Checks that `absolute` is an existing file inside the workspace; reports at `yamlPath` otherwise. */
export async function checkFileExists(ctx: FileContext, yamlPath: string[], absolute: string): Promise<boolean> {
  ctx.sources.add(absolute);
  if (!(await checkInsideWorkspace(ctx, yamlPath, absolute))) return false;
  const shown = shownPath(ctx, absolute);
  try {
    const info = await stat(absolute);
    if (info.isFile()) return true;
    ctx.report.at(yamlPath, 'missing-file', `${shown} is not a file`);
  } catch (error) {
    const code = errorCode(error);
    const message = code === 'ENOENT' ? `file not found: ${shown}` : `cannot read ${shown} (${code})`;
    ctx.report.at(yamlPath, 'missing-file', message);
  }
  return false;
}

interface ReadText {
  absolute: string;
  shown: string;
  text: string;
}

/** Reads the target of a file:// reference written at `yamlPath`. */
export async function readRef(ctx: FileContext, yamlPath: string[], ref: string): Promise<ReadText | undefined> {
  const absolute = fileRefPath(ctx.dir, ref);
  if (!(await checkFileExists(ctx, yamlPath, absolute))) return undefined;
  const shown = shownPath(ctx, absolute);
  try {
    const decoded = await readUtf8File(absolute);
    if (decoded.ok) return { absolute, shown, text: decoded.text };
    ctx.report.inFile(shown, decoded.line, decoded.col, 'encoding', decoded.message);
  } catch (error) {
    ctx.report.at(yamlPath, 'missing-file', `cannot read ${shown} (${errorCode(error)})`);
  }
  return undefined;
}

/** System prompt text; trailing whitespace (the file's final newline) is dropped. */
export async function readSystemPrompt(ctx: FileContext, yamlPath: string[], ref: string): Promise<string | undefined> {
  return (await readRef(ctx, yamlPath, ref))?.text.trimEnd();
}

/** Few-shot examples from JSON Lines: one {"input": "...", "output": "..."} per line. */
export async function readExamples(
  ctx: FileContext,
  yamlPath: string[],
  ref: string,
): Promise<FewShotExample[] | undefined> {
  const read = await readRef(ctx, yamlPath, ref);
  if (!read) return undefined;
  const examples: FewShotExample[] = [];
  let valid = true;
  for (const { line, text } of jsonLines(read.text)) {
    const parsed = parseJson(text);
    if (!parsed.ok) {
      ctx.report.inFile(read.shown, line, parsed.col, 'examples', parsed.message);
      valid = false;
      continue;
    }
    const row = parsed.value;
    if (typeof row === 'object' && row !== null && !Array.isArray(row)) {
      const { input, output } = row as Record<string, unknown>;
      if (typeof input === 'string' && typeof output === 'string') {
        examples.push({ input, output });
        continue;
      }
    }
    const present = typeof row === 'object' && row !== null ? Object.keys(row).join(', ') || 'none' : typeof row;
    ctx.report.inFile(
      read.shown,
      line,
      1,
      'examples',
      `an example must be an object with string "input" and "output" fields (found: ${present})`,
    );
    valid = false;
  }
  return valid ? examples : undefined;
}

/** Labels from a .json array of strings, or any other text file with one label per line. */
export async function readLabels(ctx: FileContext, yamlPath: string[], ref: string): Promise<string[] | undefined> {
  const read = await readRef(ctx, yamlPath, ref);
  if (!read) return undefined;
  let labels: string[];
  if (path.extname(read.absolute).toLowerCase() === '.json') {
    const parsed = parseJson(read.text);
    if (!parsed.ok) {
      ctx.report.inFile(read.shown, parsed.line, parsed.col, 'labels', parsed.message);
      return undefined;
    }
    if (!Array.isArray(parsed.value) || !parsed.value.every((label) => typeof label === 'string')) {
      ctx.report.inFile(read.shown, 1, 1, 'labels', 'a .json labels file must hold an array of strings');
      return undefined;
    }
    labels = parsed.value.map((label: string) => label.trim()).filter((label) => label !== '');
  } else {
    labels = read.text
      .split('\n')
      .map((label) => label.trim())
      .filter((label) => label !== '');
  }
  if (labels.length === 0) {
    ctx.report.inFile(read.shown, 1, 1, 'labels', 'the labels file lists no labels; put one label per line');
    return undefined;
  }
  return labels;
}

/** A JSON Schema for the json scorer, inline or file://; compiled once here so a broken schema fails early. */
export async function readJsonSchema(
  ctx: FileContext,
  yamlPath: string[],
  value: string | Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  let schema: unknown = value;
  if (typeof value === 'string') {
    const read = await readRef(ctx, yamlPath, value);
    if (!read) return undefined;
    const parsed = parseJson(read.text);
    if (!parsed.ok) {
      ctx.report.inFile(read.shown, parsed.line, parsed.col, 'json-schema', parsed.message);
      return undefined;
    }
    schema = parsed.value;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    ctx.report.at(yamlPath, 'json-schema', 'the JSON Schema must be an object');
    return undefined;
  }
  try {
    // A fresh instance per schema: two suites may share a schema $id.
    new Ajv({ strict: false, allErrors: true }).compile(schema);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.report.at(yamlPath, 'json-schema', `not a valid JSON Schema: ${reason}`);
    return undefined;
  }
  return schema as Record<string, unknown>;
}
