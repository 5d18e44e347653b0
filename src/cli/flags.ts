import { parseArgs } from 'node:util';
import { didYouMean } from '../edit-distance.js';
import { ExitCode, TunegateError } from '../errors.js';
import { COMMAND_NAMES, COMMANDS, type CommandName } from './help.js';

export function usageError(message: string, command?: CommandName): TunegateError {
  const hint = command ? `Run "tunegate ${command} --help" for its options.` : 'Run "tunegate help" for usage.';
  return new TunegateError('usage', `${message}\n${hint}`, { exitCode: ExitCode.usage });
}

export type FlagValues = Record<string, string | boolean | undefined>;

export type ParsedFlags =
  | { help: true }
  | {
      help: false;
      positionals: string[];
      values: FlagValues;
    };

/** A misspelt command: the closest one, when one is close. */
export function unknownCommand(name: string): TunegateError {
  return usageError(`unknown command "${name}"${didYouMean(name, COMMAND_NAMES)}`);
}

/** Says which commands own a flag this one does not, else the closest flag this command has. */
function unknownFlag(command: CommandName, rawName: string, name: string): TunegateError {
  const owners = COMMAND_NAMES.filter((other) => name in COMMANDS[other].flags).map((other) => `\`tunegate ${other}\``);
  const ours = Object.keys(COMMANDS[command].flags).map((flag) => `--${flag}`);
  // A one-letter flag (`-q`) is too short for a suggestion to mean anything.
  const suggestion = rawName.startsWith('--') ? didYouMean(rawName, ours) : '';
  const reason = owners.length > 0 ? `: --${name} is an option of ${owners.join(', ')}` : suggestion;
  return usageError(`Unknown option '${rawName}' for \`tunegate ${command}\`${reason}`, command);
}

/**
 * The command's flags only: `--help`/`-h` anywhere asks for its help; a flag it does not declare is a usage
 * error naming the command that has it, or the closest of its own.
 */
export function parseFlags(command: CommandName, args: string[]): ParsedFlags {
  const declared = COMMANDS[command].flags;
  const options = {
    help: { type: 'boolean' as const, short: 'h' },
    ...Object.fromEntries(Object.entries(declared).map(([name, spec]) => [name, { type: spec.type }])),
  };
  // A lenient pass first, so an unknown flag gets a helpful message rather than node's generic one.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const flags = tokens.filter((token) => token.kind === 'option');
  if (flags.some((token) => token.name === 'help')) return { help: true };
  for (const token of flags) {
    if (!(token.name in declared)) throw unknownFlag(command, token.rawName, token.name);
  }
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { help: false, positionals: parsed.positionals, values: parsed.values as FlagValues };
  } catch (error) {
    throw usageError((error as Error).message, command);
  }
}
