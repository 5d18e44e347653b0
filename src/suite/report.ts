import type { Problem } from '../errors.js';
import { displayPath, locatePath, type SourceDoc } from './locate.js';

/** Collects problems and warnings for one suite file, located at YAML paths or in files it references. */
export class SuiteReport {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];

  constructor(
    readonly file: string,
    readonly source: SourceDoc,
  ) {}

  /** A problem about the value at `path` in the suite; the message is prefixed with the path. */
  at(path: readonly string[], code: string, message: string, at: 'value' | 'key' = 'value'): void {
    this.problems.push(this.locate(path, code, message, at));
  }

  warnAt(path: readonly string[], code: string, message: string): void {
    this.warnings.push(this.locate(path, code, message, 'value'));
  }

  /** A problem inside another file (examples, labels, schema), `file` as shown to the user. */
  inFile(file: string, line: number, col: number, code: string, message: string): void {
    this.problems.push({ file, line, col, code, message });
  }

  private locate(path: readonly string[], code: string, message: string, at: 'value' | 'key'): Problem {
    const { line, col } = locatePath(this.source, path, at);
    const where = displayPath(path);
    return { file: this.file, line, col, code, message: where ? `${where}: ${message}` : message };
  }
}
