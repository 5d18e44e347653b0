import { parseArgs } from 'node:util';
import { DEFAULT_HISTORY_KEEP } from '../api/history.js';
import { CACHE_MODES } from '../engine/cache-mode.js';
import type { CacheMode } from '../engine/types.js';
import { ExitCode, TunegateError } from '../errors.js';

export const HELP = `tunegate — measure whether fine-tuning is worth it yet

Usage:
  tunegate run <suites or globs...> [options]   run every variant on the same cases
  tunegate validate <suites or globs...>         check suites and datasets; calls no model
  tunegate sim --dataset FILE [--config FILE]    serve the OpenAI-compatible simulator
  tunegate training-set <suite> [--results DIR]  build the fine-tuning set (train/validation/DPO JSONL)
  tunegate distill <suite>                       a teacher turns seed examples into a training set
  tunegate train <suite> --training-set DIR      start fine-tuning (once per training set), --follow it
  tunegate train <suite> --job ID                follow (resume) a started job to its end
  tunegate promote <suite> --model ID            evaluate a candidate vs the champion; promote if it passes
  tunegate report --history FILE --html OUT.html the run history as an offline HTML dashboard
  tunegate help | --help                         this text
  tunegate --version

Run options:
  --out DIR              where results.json and cases.jsonl go (default: tunegate-results)
  --cache MODE           use (default): replay stored answers, call models only for new requests;
                         refresh: call every model and store the new answers (scheduled runs: a
                         changed model behind the same id shows); off: neither read nor store
  --no-cache             the same as --cache off
  --cache-dir DIR        response cache (default: .tunegate/cache)
  --max-cost-usd N       refuse when the estimate exceeds N; stop when spend reaches N
  --concurrency N        parallel calls per provider (overrides the suites)
  --simulate             run offline on the built-in simulator (no API key, no cost)
  --sim-config FILE      simulator behaviour: per-model accuracy and latency, faults (implies --simulate)
  --markdown FILE        also write the Markdown summary to FILE
  --reference FILE       results.json of the run that accepted the current models; a fine-tuned
                         variant that has since lost accuracy or fails a threshold gets "retrain"
                         (wins over the history's accepted run)
  --history FILE         remember the run in FILE (JSONL, created if absent): one line per suite;
                         measures drift against the suite's accepted run (its first run, a
                         promotion, or a run made with --accept), which also serves as the reference
  --accept               make this run the accepted reference of its suites (needs --history)
  --history-keep N       runs kept per suite in the history (default 365); older ones are pruned
  --no-fragility         skip the suites' fragility measurement (their perturbed calls)
  --quiet                no progress output

Training options:
  --out DIR              training set / results directory (default: tunegate-training)
  --results DIR          a run's results (its cases.jsonl feeds the eval source and DPO pairs)
  --training-set DIR     the directory training-set or distill wrote
  --verdict NAME         what the job answers (fine-tune, retrain; default fine-tune), part of its identity
  --follow               follow the started job until it ends
  --job ID               the job to follow
  --model ID             the candidate model to promote
  --mode MODE            dry-run (default), commit, or pull-request (needs GITHUB_TOKEN, GITHUB_REPOSITORY)
  --create-key           (promote) add training.registry.key to the registry when it is missing
                         (without it a missing key is an error: a typo must not create one)
  --history FILE         (promote) a promotion is recorded there as the suite's accepted reference
  --sim-config FILE      serve the suite's providers from the simulator (offline; fine-tuning included)

Report options:
  --history FILE         the run history (JSONL) to chart
  --html FILE            write the dashboard: one self-contained page, opens from a file
  --markdown FILE        write the trend of each suite (last 30 runs) as Mermaid charts

Simulator options:
  --dataset FILE         JSONL of {"input","expected"} lines the simulator answers from
  --config FILE          YAML/JSON: models (accuracy, latency_ms, jitter_ms), faults, seed
  --port N               port on 127.0.0.1 (default: 8787; 0 picks a free one)

Exit codes: 0 all gates passed · 1 a gate failed · 2 usage or configuration error (no model called)
            · 3 runtime failure (provider unreachable after retries, budget exhausted, interrupted)
`;

export interface RunCliOptions {
  suites: string[];
  out: string;
  cacheDir: string;
  cacheMode: CacheMode;
  maxCostUsd: number | undefined;
  concurrency: number | undefined;
  /** Run on the built-in simulator instead of the suites' providers. */
  simulate: boolean;
  simConfig: string | undefined;
  markdown: string | undefined;
  reference: string | undefined;
  history: HistoryCliOptions | undefined;
  /** Measure fragility for suites with a `fragility` section (false: `--no-fragility`). */
  fragility: boolean;
  quiet: boolean;
}

export interface HistoryCliOptions {
  path: string;
  accept: boolean;
  keep: number;
}

export interface SimCliOptions {
  dataset: string | undefined;
  config: string | undefined;
  port: number;
}

export const LOOP_COMMANDS = ['training-set', 'distill', 'train', 'promote'] as const;
export type LoopCommand = (typeof LOOP_COMMANDS)[number];
const PROMOTION_MODES = ['dry-run', 'commit', 'pull-request'] as const;

export interface LoopCliOptions {
  suite: string;
  out: string;
  results: string | undefined;
  trainingSet: string | undefined;
  verdict: string;
  follow: boolean;
  job: string | undefined;
  model: string | undefined;
  mode: (typeof PROMOTION_MODES)[number];
  maxCostUsd: number | undefined;
  cacheDir: string;
  cacheMode: CacheMode;
  /** Serve the suite's providers from the built-in simulator with this behaviour file. */
  simConfig: string | undefined;
  /** (promote) The run history where a promotion is recorded as the accepted reference. */
  history: string | undefined;
  /** (promote) Add the registry key when it is missing. */
  createKey: boolean;
  quiet: boolean;
}

export interface ReportCliOptions {
  history: string;
  html: string | undefined;
  markdown: string | undefined;
}

export type ParsedCommand =
  | { command: 'help' | 'version'; options: undefined }
  | { command: 'report'; options: ReportCliOptions }
  | { command: 'run' | 'validate'; options: RunCliOptions }
  | { command: 'sim'; options: SimCliOptions }
  | { command: LoopCommand; options: LoopCliOptions };

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

/** `--cache MODE`, with `--no-cache` as the alias of `off`; both at once must agree. */
function cacheOptions(values: Record<string, string | boolean | undefined>): {
  cacheDir: string;
  cacheMode: CacheMode;
} {
  const raw = values.cache;
  const cacheDir = typeof values['cache-dir'] === 'string' ? values['cache-dir'] : '.tunegate/cache';
  if (raw === undefined) return { cacheDir, cacheMode: values['no-cache'] ? 'off' : 'use' };
  if (typeof raw !== 'string' || !(CACHE_MODES as readonly string[]).includes(raw)) {
    throw usageError(`--cache expects one of ${CACHE_MODES.join(', ')}, got "${raw}"`);
  }
  if (values['no-cache'] && raw !== 'off') throw usageError(`--no-cache contradicts --cache ${raw}; give one of them`);
  return { cacheDir, cacheMode: raw as CacheMode };
}

function loopOptions(
  command: LoopCommand,
  positionals: string[],
  values: Record<string, string | boolean | undefined>,
): LoopCliOptions {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (positionals.length !== 1) throw usageError(`"tunegate ${command}" takes one suite file`);
  const mode = str('mode') ?? 'dry-run';
  if (!(PROMOTION_MODES as readonly string[]).includes(mode)) {
    throw usageError(`--mode expects one of ${PROMOTION_MODES.join(', ')}, got "${mode}"`);
  }
  if (command === 'promote' && !str('model')) throw usageError('"tunegate promote" needs --model ID');
  if (command === 'train' && !str('training-set') && !str('job')) {
    throw usageError('"tunegate train" needs --training-set DIR (to start) or --job ID (to follow)');
  }
  return {
    suite: positionals[0] as string,
    out: str('out') ?? (command === 'promote' ? 'tunegate-results' : 'tunegate-training'),
    results: str('results'),
    trainingSet: str('training-set'),
    verdict: str('verdict') ?? 'fine-tune',
    follow: values.follow === true,
    job: str('job'),
    model: str('model'),
    mode: mode as LoopCliOptions['mode'],
    maxCostUsd: positiveNumber('--max-cost-usd', str('max-cost-usd'), false),
    ...cacheOptions(values),
    simConfig: str('sim-config'),
    history: str('history'),
    createKey: values['create-key'] === true,
    quiet: values.quiet === true,
  };
}

function historyOptions(values: Record<string, string | boolean | undefined>): HistoryCliOptions | undefined {
  const path = typeof values.history === 'string' ? values.history : undefined;
  const keepRaw = typeof values['history-keep'] === 'string' ? values['history-keep'] : undefined;
  if (path === undefined) {
    if (values.accept === true) throw usageError('--accept needs --history FILE: it marks the run accepted there');
    if (keepRaw !== undefined) throw usageError('--history-keep needs --history FILE');
    return undefined;
  }
  const keep = positiveNumber('--history-keep', keepRaw, true) ?? DEFAULT_HISTORY_KEEP;
  if (keep < 1) throw usageError('--history-keep expects a whole number ≥ 1, got "0"');
  return { path, accept: values.accept === true, keep };
}

function reportOptions(positionals: string[], str: (name: string) => string | undefined): ReportCliOptions {
  if (positionals.length > 0) throw usageError(`"tunegate report" takes no suite files, got "${positionals[0]}"`);
  const history = str('history');
  if (!history) throw usageError('"tunegate report" needs --history FILE');
  if (!str('html') && !str('markdown'))
    throw usageError('"tunegate report" needs --html FILE, --markdown FILE, or both');
  return { history, html: str('html'), markdown: str('markdown') };
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help', options: undefined };
  }
  if (command === '--version' || command === '-v') return { command: 'version', options: undefined };
  const known = ['run', 'validate', 'sim', 'report', ...LOOP_COMMANDS];
  if (!known.includes(command)) {
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
        cache: { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'max-cost-usd': { type: 'string' },
        concurrency: { type: 'string' },
        simulate: { type: 'boolean' },
        'sim-config': { type: 'string' },
        markdown: { type: 'string' },
        reference: { type: 'string' },
        history: { type: 'string' },
        accept: { type: 'boolean' },
        'history-keep': { type: 'string' },
        'no-fragility': { type: 'boolean' },
        quiet: { type: 'boolean' },
        dataset: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string' },
        results: { type: 'string' },
        'training-set': { type: 'string' },
        verdict: { type: 'string' },
        follow: { type: 'boolean' },
        'create-key': { type: 'boolean' },
        job: { type: 'string' },
        model: { type: 'string' },
        mode: { type: 'string' },
        html: { type: 'string' },
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
  if (command === 'report') return { command, options: reportOptions(parsed.positionals, str) };
  if (parsed.positionals.length === 0) throw usageError(`"tunegate ${command}" needs at least one suite file or glob`);
  if ((LOOP_COMMANDS as readonly string[]).includes(command)) {
    return {
      command: command as LoopCommand,
      options: loopOptions(command as LoopCommand, parsed.positionals, values),
    };
  }
  return {
    command: command as 'run' | 'validate',
    options: {
      suites: parsed.positionals,
      out: str('out') ?? 'tunegate-results',
      ...cacheOptions(values),
      maxCostUsd: positiveNumber('--max-cost-usd', str('max-cost-usd'), false),
      concurrency: positiveNumber('--concurrency', str('concurrency'), true),
      simulate: values.simulate === true || str('sim-config') !== undefined,
      simConfig: str('sim-config'),
      markdown: str('markdown'),
      reference: str('reference'),
      history: historyOptions(values),
      fragility: values['no-fragility'] !== true,
      quiet: values.quiet === true,
    },
  };
}
