/**
 * Loads suite files. Guarantees:
 * - Nothing is thrown for bad input: every problem in every file is returned, each located as
 *   `file:line:col` (1-based) with a message that says what to fix. Problems of one file never hide
 *   those of another. Within a file, YAML syntax errors stop the file (the schema is checked once the
 *   YAML parses); then every schema error and every cross-check (provider references, file:// targets,
 *   examples, labels, modules, API key variables) are reported together, by position: the cross-checks
 *   run on the part of the file that matches the schema (see well-formed.ts).
 * - `suites` holds only suites without problems, fully resolved: defaults applied (read from the
 *   schema), file:// contents read, relative paths absolute, variants in file order.
 * - File paths in problems are shown relative to `cwd` when the suite was named relatively.
 * - Every file the suite reads resolves (symlinks followed) inside the suite's repository, unless
 *   the suite sets allow_outside_paths: true and `options.outsidePaths` is not `never`.
 * - No model is called and no environment is read except `options.env`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../errors.js';
import { duplicateKeyMessage } from './duplicate-key.js';
import type { SourceDoc } from './locate.js';
import { SuiteReport } from './report.js';
import { type MissingApiKey, resolveSuite } from './resolve.js';
import { type RawSuite, suiteSchema } from './schema.js';
import { schemaProblems } from './schema-errors.js';
import { readUtf8File } from './text-file.js';
import type { LoadedSuite } from './types.js';
import { wellFormedPart } from './well-formed.js';
import { type OutsidePaths, repositoryRoot } from './workspace.js';

export interface LoadOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Report providers whose api_key_env is unset (default true). */
  requireApiKeys?: boolean;
  /**
   * What an unset key variable is when required: a `problem` (default; a run cannot call the model) or
   * a `warning` (`validate` calls no model, so a suite checked without its secrets still passes).
   */
  missingApiKey?: MissingApiKey;
  /**
   * Paths that resolve outside the suite's repository: `suite` (default) allows them when the suite
   * sets allow_outside_paths: true; `never` refuses them even then (runs on untrusted events).
   */
  outsidePaths?: OutsidePaths;
}

export interface LoadResult {
  suites: LoadedSuite[];
  problems: Problem[];
  warnings: Problem[];
}

let validator: ValidateFunction<RawSuite> | undefined;

function validateSuite(): ValidateFunction<RawSuite> {
  validator ??= new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Compiled on every start, where it was the largest part of loading a suite: the schema is checked against
    // the draft-07 meta-schema by a test (test/suite/schema-sync.test.ts), not at each run, and the generated
    // code is left unoptimised, which changes its size, not what it accepts or the errors it reports.
    validateSchema: false,
    code: { optimize: false },
  }).compile<RawSuite>(suiteSchema);
  return validator;
}

interface SuiteFile {
  /** As shown in messages. */
  shown: string;
  absolute: string;
}

/** Expands files and globs (relative to cwd) into suite files; a pattern that matches nothing is a problem. */
async function expandPatterns(patterns: string[], cwd: string): Promise<{ files: SuiteFile[]; problems: Problem[] }> {
  const files: SuiteFile[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (shown: string) => {
    const absolute = path.resolve(cwd, shown);
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ shown, absolute });
  };
  const fail = (pattern: string, code: string, message: string) =>
    problems.push({ file: pattern, line: 1, col: 1, code, message });
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matches = (await glob([pattern], { cwd, onlyFiles: true })).sort();
      if (matches.length === 0) fail(pattern, 'no-match', `no suite files match "${pattern}"; check the pattern`);
      for (const match of matches) add(match);
      continue;
    }
    const shown = path.isAbsolute(pattern) ? pattern : path.normalize(pattern);
    try {
      const info = await stat(path.resolve(cwd, pattern));
      if (info.isFile()) add(shown);
      else fail(pattern, 'no-match', `is a directory; pass suite files or a glob such as ${pattern}/*.yaml`);
    } catch {
      fail(pattern, 'no-match', 'suite file not found; check the path');
    }
  }
  return { files, problems };
}

interface Parsed {
  source?: SourceDoc;
  data?: unknown;
  problems: Problem[];
  warnings: Problem[];
}

async function parseSuiteFile(file: SuiteFile): Promise<Parsed> {
  let text: string;
  try {
    const decoded = await readUtf8File(file.absolute);
    if (!decoded.ok) {
      const { line, col, message } = decoded;
      return { problems: [{ file: file.shown, line, col, code: 'encoding', message }], warnings: [] };
    }
    text = decoded.text;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      problems: [{ file: file.shown, line: 1, col: 1, code: 'read', message: `cannot read: ${reason}` }],
      warnings: [],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const source: SourceDoc = { doc, lineCounter };
  const located = (list: typeof doc.errors, code: string) =>
    list.map((error): Problem => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const reasons: Partial<Record<typeof error.code, () => string>> = {
        MULTIPLE_DOCS: () => 'a suite file holds one YAML document; remove the "---" separator and what follows',
        DUPLICATE_KEY: () => duplicateKeyMessage(source, error.pos[0]),
      };
      const reason = reasons[error.code]?.() ?? error.message;
      return { file: file.shown, line, col, code, message: `invalid YAML: ${reason}` };
    });
  const problems = located(doc.errors, 'yaml');
  const warnings = located(doc.warnings, 'yaml');
  if (problems.length > 0) return { problems, warnings };
  try {
    return { source, data: doc.toJS(), problems, warnings };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      problems: [{ file: file.shown, line: 1, col: 1, code: 'yaml', message: `invalid YAML: ${reason}` }],
      warnings,
    };
  }
}

/** The suite file's own problems first, by position; then those inside the files it references. */
function inReadingOrder(problems: Problem[], suiteFile: string): Problem[] {
  const rank = (p: Problem) => (p.file === suiteFile ? 0 : 1);
  return [...problems].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? a.line - b.line || a.col - b.col : 0));
}

export async function loadSuites(patterns: string[], options: LoadOptions): Promise<LoadResult> {
  const expanded = await expandPatterns(patterns, options.cwd);
  const problems = [...expanded.problems];
  const warnings: Problem[] = [];
  const suites: LoadedSuite[] = [];
  // Suite names end up in file names and reports: the first file to use a name keeps it.
  const fileByName = new Map<string, string>();
  for (const file of expanded.files) {
    const parsed = await parseSuiteFile(file);
    warnings.push(...parsed.warnings);
    if (!parsed.source || parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const validate = validateSuite();
    const data = parsed.data;
    const wellFormed = validate(data);
    const schemaErrors = wellFormed ? [] : schemaProblems(validate.errors ?? [], parsed.source, file.shown);
    // A schema error must not hide the problems of the rest: check what is well-formed too (never run it).
    const part = wellFormed ? { raw: data, nameKept: true } : wellFormedPart(data, validate);
    if (!part) {
      problems.push(...schemaErrors);
      continue;
    }
    const { suite, report } = await resolveFile(file, parsed.source, part.raw, options);
    if (part.nameKept) {
      const taken = fileByName.get(suite.name);
      if (taken === undefined) fileByName.set(suite.name, file.shown);
      else {
        const message = `suite name "${suite.name}" is already used by ${taken}; give each suite a unique name`;
        report.at(['name'], 'duplicate-name', message);
      }
    }
    problems.push(...inReadingOrder([...schemaErrors, ...report.problems], file.shown));
    // Warnings about a part of the suite are only sure once all of it is well-formed.
    if (wellFormed) warnings.push(...report.warnings);
    if (wellFormed && report.problems.length === 0) suites.push(suite);
  }
  return { suites, problems, warnings };
}

async function resolveFile(
  file: SuiteFile,
  source: SourceDoc,
  raw: RawSuite,
  options: LoadOptions,
): Promise<{ suite: LoadedSuite; report: SuiteReport }> {
  const report = new SuiteReport(file.shown, source);
  const dir = path.dirname(file.absolute);
  const forbidden = options.outsidePaths === 'never';
  const workspace = {
    root: await repositoryRoot(dir),
    allowOutside: raw.allow_outside_paths === true && !forbidden,
    forbidden,
  };
  const context = { file: file.shown, dir, report, sources: new Set([file.absolute]), workspace };
  const suite = await resolveSuite(raw, context, {
    env: options.env,
    requireApiKeys: options.requireApiKeys !== false,
    missingApiKey: options.missingApiKey ?? 'problem',
  });
  return { suite, report };
}
