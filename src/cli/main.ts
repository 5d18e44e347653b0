import { ExitCode, TunegateError } from '../errors.js';
import { parseCommandLine } from './args.js';
import { commandHelp, globalHelp } from './help.js';
import { type CliIo, VERSION } from './io.js';

/**
 * argv → command → exit code. Never throws: every failure becomes a message and a code.
 * Each command's module is imported only when that command runs, so `--version` and `--help` load none
 * of the engine, providers, tokenizer or price tables (the bundle puts them in chunks: scripts/build.mjs).
 */
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
        return await (await import('./commands/run.js')).runCommand(parsed.options, io);
      case 'validate':
        return await (await import('./commands/validate.js')).validateCommand(parsed.options, io);
      case 'sim':
        return await (await import('./commands/sim.js')).simCommand(parsed.options, io);
      case 'init':
        return await (await import('./commands/init.js')).initCommand(parsed.options, io);
      case 'merge':
        return await (await import('./commands/merge.js')).mergeCommand(parsed.options, io);
      case 'report':
        return await (await import('./commands/report.js')).reportCommand(parsed.options, io);
      default:
        return await (await import('./commands/training.js')).trainingCommand(parsed.command, parsed.options, io);
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
