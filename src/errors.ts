/** The one exit-code table shared by the CLI and the Action. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  runtime: 3,
  /** Batch work submitted and not finished yet: a later run collects it (`run --batch`). */
  pending: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem located in a file: `file:line:col message`. Lines and columns are 1-based. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** Stable machine-readable code, e.g. `schema`, `yaml`, `missing-file`. */
  code: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.message}`;
}

/**
 * The one error type. `code` is stable (tests and tools match on it); `message` says what to do.
 * `problems` carries every located problem when there were several.
 */
export class TunegateError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly problems: Problem[];

  constructor(
    code: string,
    message: string,
    options: { exitCode?: ExitCode; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'TunegateError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.problems = options.problems ?? [];
  }
}

export function configError(problems: Problem[]): TunegateError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new TunegateError(
    'config',
    `${count} found; fix them and run again:\n${problems.map(formatProblem).join('\n')}`,
    {
      exitCode: ExitCode.usage,
      problems,
    },
  );
}
