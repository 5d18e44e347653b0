/** The two stages of stopping a command that can stop cleanly. */
export interface Interrupts {
  /** Aborted by the first SIGINT/SIGTERM: stop gracefully (a run makes no new calls and writes what it has). */
  stop: AbortSignal;
  /** Aborted by the second: stop at once (calls in flight are aborted). A third ends the process. */
  abort: AbortSignal;
  /** Gives the signals back to their default handling. */
  release(): void;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** `columns`: the terminal's width, when it is one (the progress bar fits it). */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /**
   * Takes over SIGINT/SIGTERM for a command that can stop cleanly; other commands leave them to the
   * default (the process ends at once). Absent: the command cannot be interrupted this way.
   */
  trapInterrupts?: () => Interrupts;
  /** The clock model shutdowns are counted from (default: the real one). */
  now?: () => Date;
}

export { VERSION } from '../version.js';
