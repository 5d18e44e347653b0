import type { BatchMode } from '../api/batch-run.js';
import { parseShard, type ShardSpec } from '../api/shard.js';
import { CACHE_MODES } from '../engine/cache-mode.js';
import type { CacheMode } from '../engine/types.js';
import { DEFAULT_HISTORY_KEEP } from '../history/types.js';
import { type FlagValues, parseFlags, unknownCommand, usageError } from './flags.js';
import { COMMAND_NAMES, type CommandName } from './help.js';

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
  /** Also write JUnit XML here. */
  junit: string | undefined;
  reference: string | undefined;
  history: HistoryCliOptions | undefined;
  /** Measure fragility for suites with a `fragility` section (false: `--no-fragility`). */
  fragility: boolean;
  /** Evaluate only this shard of the cases (`--shard K/N`). */
  shard: ShardSpec | undefined;
  /** `--batch` (submit, collect when done) or `--batch wait` (poll until done); undefined without batches. */
  batch: BatchMode | undefined;
  /** Decide in sequential looks for every suite with a baseline and a candidate (`--sequential`). */
  sequential: boolean;
  quiet: boolean;
}

export interface MergeCliOptions {
  out: string;
  dirs: string[];
  markdown: string | undefined;
  junit: string | undefined;
  reference: string | undefined;
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
  | { command: 'version'; options: undefined }
  /** `topic`: the command whose help was asked for; undefined for the overview. */
  | { command: 'help'; options: { topic: CommandName | undefined } }
  | { command: 'init'; options: InitCliOptions }
  | { command: 'report'; options: ReportCliOptions }
  | { command: 'run' | 'validate'; options: RunCliOptions }
  | { command: 'sim'; options: SimCliOptions }
  | { command: 'merge'; options: MergeCliOptions }
  | { command: LoopCommand; options: LoopCliOptions };

export const INIT_TASKS = ['classification'] as const;

export interface InitCliOptions {
  dir: string;
  name: string | undefined;
  task: (typeof INIT_TASKS)[number];
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
function cacheOptions(values: FlagValues): {
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

function loopOptions(command: LoopCommand, positionals: string[], values: FlagValues): LoopCliOptions {
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

function historyOptions(values: FlagValues): HistoryCliOptions | undefined {
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

function mergeOptions(positionals: string[], str: (name: string) => string | undefined): MergeCliOptions {
  const [out, ...dirs] = positionals;
  if (out === undefined || dirs.length === 0) {
    throw usageError('"tunegate merge" needs OUT and at least one shard folder: tunegate merge OUT DIR...', 'merge');
  }
  return { out, dirs, markdown: str('markdown'), junit: str('junit'), reference: str('reference') };
}

/** `--shard K/N`; a shard records no history: each would remember a part of the run as the whole. */
function shardOption(values: FlagValues, raw: string | undefined): ShardSpec | undefined {
  if (raw === undefined) return undefined;
  if (typeof values.history === 'string') {
    throw usageError(
      '--shard cannot be combined with --history: a shard is only part of a run and must not be remembered as one',
    );
  }
  try {
    return parseShard(raw);
  } catch (error) {
    throw usageError((error as Error).message, 'run');
  }
}

function initOptions(positionals: string[], str: (name: string) => string | undefined): InitCliOptions {
  if (positionals.length > 1) throw usageError('"tunegate init" takes at most one folder', 'init');
  const task = str('task') ?? 'classification';
  if (!(INIT_TASKS as readonly string[]).includes(task)) {
    throw usageError(`--task expects one of ${INIT_TASKS.join(', ')}, got "${task}"`, 'init');
  }
  return { dir: positionals[0] ?? '.', name: str('name'), task: task as InitCliOptions['task'] };
}

function helpTopic(rest: string[]): ParsedCommand {
  const [topic] = rest;
  if (topic === undefined) return { command: 'help', options: { topic: undefined } };
  if (!(COMMAND_NAMES as readonly string[]).includes(topic)) throw unknownCommand(topic);
  return { command: 'help', options: { topic: topic as CommandName } };
}

/**
 * `--batch` takes an optional word, which node's parser cannot express: `--batch wait` (or `--batch=wait`) is
 * taken out of the arguments here, and `--batch` alone stays a boolean flag.
 */
function takeBatchMode(args: string[]): { args: string[]; wait: boolean } {
  const rest: string[] = [];
  let wait = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--batch=wait' || (arg === '--batch' && args[i + 1] === 'wait')) {
      wait = true;
      rest.push('--batch');
      if (arg === '--batch') i++;
    } else if (arg.startsWith('--batch=')) {
      throw usageError(`--batch takes no value or "wait", got "${arg.slice('--batch='.length)}"`, 'run');
    } else rest.push(arg);
  }
  return { args: rest, wait };
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  const [command, ...given] = argv;
  const batchWords = command === 'run' ? takeBatchMode(given) : { args: given, wait: false };
  const rest = batchWords.args;
  if (command === undefined || command === '--help' || command === '-h') {
    return { command: 'help', options: { topic: undefined } };
  }
  if (command === 'help') return helpTopic(rest);
  if (command === '--version' || command === '-v') return { command: 'version', options: undefined };
  if (!(COMMAND_NAMES as readonly string[]).includes(command)) throw unknownCommand(command);
  const parsed = parseFlags(command as CommandName, rest);
  if (parsed.help) return { command: 'help', options: { topic: command as CommandName } };
  const values = parsed.values;
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (command === 'init') return { command, options: initOptions(parsed.positionals, str) };
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
  if (command === 'merge') return { command, options: mergeOptions(parsed.positionals, str) };
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
      junit: str('junit'),
      reference: str('reference'),
      history: historyOptions(values),
      fragility: values['no-fragility'] !== true,
      shard: shardOption(values, str('shard')),
      batch: values.batch === true ? (batchWords.wait ? 'wait' : 'submit') : undefined,
      sequential: values.sequential === true,
      quiet: values.quiet === true,
    },
  };
}
