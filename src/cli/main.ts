import { ExitCode, TunegateError } from '../errors.js';
import { parseCommandLine } from './args.js';
import { initCommand } from './commands/init.js';
import { mergeCommand } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { simCommand } from './commands/sim.js';
import { trainingCommand } from './commands/training.js';
import { validateCommand } from './commands/validate.js';
import { commandHelp, globalHelp } from './help.js';
import { type CliIo, VERSION } from './io.js';

/** argv → command → exit code. Never throws: every failure becomes a message and a code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    switch (parsed.command) {
      case 'help':
        io.stdout.write(parsed.options.topic ? commandHelp(parsed.options.topic) : globalHelp());
        return ExitCode.ok;
      case 'version':
        io.stdout.write(`tunegate ${VERSION}\n`);
        return ExitCode.ok;
      case 'run':
        return await runCommand(parsed.options, io);
      case 'validate':
        return await validateCommand(parsed.options, io);
      case 'sim':
        return await simCommand(parsed.options, io);
      case 'init':
        return await initCommand(parsed.options, io);
      case 'merge':
        return await mergeCommand(parsed.options, io);
      case 'report':
        return await reportCommand(parsed.options, io);
      default:
        return await trainingCommand(parsed.command, parsed.options, io);
    }
  } catch (error) {
    if (error instanceof TunegateError) {
      io.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`unexpected error: ${(error as Error)?.stack ?? String(error)}\nPlease report this as a bug.\n`);
    return ExitCode.runtime;
  }
}
