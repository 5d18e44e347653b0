import { parseArgs } from 'node:util';
import { ExitCode, TunegateError } from '../errors.js';

export const HELP = `tunegate — measure whether fine-tuning is worth it yet

Usage:
  tunegate run <suites or globs...> [options]   run every variant on the same cases
  tunegate validate <suites or globs...>         check suites and datasets; calls no model
  tunegate sim --dataset FILE [--config FILE]    serve the OpenAI-compatible simulator
  tunegate help | --help                         this text
  tunegate --version

Run options:
  --out DIR              where results.json and cases.jsonl go (default: tunegate-results)
  --cache-dir DIR        response cache (default: .tunegate/cache)
  --no-cache             call the models even for responses already cached
  --max-cost-usd N       refuse when the estimate exceeds N; stop when spend reaches N
  --concurrency N        parallel calls per provider (overrides the suites)
  --simulate             run offline on the built-in simulator (no API key, no cost)
  --sim-config FILE      simulator behaviour: per-model accuracy and latency, faults (implies --simulate)
  --markdown FILE        also write the Markdown summary to FILE
  --reference FILE       results.json of the run that accepted the current models; a fine-tuned
                         variant that has since lost accuracy or fails a threshold gets "retrain"
  --quiet                no progress output

Simulator options:
  --dataset FILE         JSONL of {"input","expected"} lines the simulator answers from
  --config FILE          YAML/JSON: models (accuracy, latency_ms, jitter_ms), faults, seed
  --port N               port on 127.0.0.1 (default: 8787; 0 picks a free one)

Exit codes: 0 all gates passed · 1 a gate failed · 2 usage or configuration error (no model called)
            · 3 runtime failure (provider unreachable after retries, budget exhausted)
`;

export interface RunCliOptions {
  suites: string[];
  out: string;
  cacheDir: string | undefined;
  maxCostUsd: number | undefined;
  concurrency: number | undefined;
  /** Run on the built-in simulator instead of the suites' providers. */
  simulate: boolean;
  simConfig: string | undefined;
  markdown: string | undefined;
  reference: string | undefined;
  quiet: boolean;
}

export interface SimCliOptions {
  dataset: string | undefined;
  config: string | undefined;
  port: number;
}

export type ParsedCommand =
  | { command: 'help' | 'version'; options: undefined }
  | { command: 'run' | 'validate'; options: RunCliOptions }
  | { command: 'sim'; options: SimCliOptions };

function usageError(message: string): TunegateError {
  return new TunegateError('usage', `${message}\nRun "tunegate help" for usage.`, { exitCode: ExitCode.usage });
}

function positiveNumber(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw usageError(`${flag} expects a ${integer ? 'whole number' : 'number'} ≥ 0, got "${raw}"`);
  }
  return value;
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help', options: undefined };
  }
  if (command === '--version' || command === '-v') return { command: 'version', options: undefined };
  if (command !== 'run' && command !== 'validate' && command !== 'sim') {
    throw usageError(`unknown command "${command}"`);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'max-cost-usd': { type: 'string' },
        concurrency: { type: 'string' },
        simulate: { type: 'boolean' },
        'sim-config': { type: 'string' },
        markdown: { type: 'string' },
        reference: { type: 'string' },
        quiet: { type: 'boolean' },
        dataset: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string' },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (command === 'sim') {
    return {
      command,
      options: {
        dataset: str('dataset'),
        config: str('config'),
        port: positiveNumber('--port', str('port'), true) ?? 8787,
      },
    };
  }
  if (parsed.positionals.length === 0) throw usageError(`"tunegate ${command}" needs at least one suite file or glob`);
  return {
    command,
    options: {
      suites: parsed.positionals,
      out: str('out') ?? 'tunegate-results',
      cacheDir: values['no-cache'] ? undefined : (str('cache-dir') ?? '.tunegate/cache'),
      maxCostUsd: positiveNumber('--max-cost-usd', str('max-cost-usd'), false),
      concurrency: positiveNumber('--concurrency', str('concurrency'), true),
      simulate: values.simulate === true || str('sim-config') !== undefined,
      simConfig: str('sim-config'),
      markdown: str('markdown'),
      reference: str('reference'),
      quiet: values.quiet === true,
    },
  };
}
