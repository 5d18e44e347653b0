import { resolve } from 'node:path';
import * as core from '@actions/core';
import type { BatchMode } from '../api/batch-run.js';
import { FAIL_ON, type FailOn } from '../api/gate.js';
import type { RunSuitesOptions } from '../api/run-suites.js';
import { parseShard, type ShardSpec } from '../api/shard.js';
import type { CacheMode } from '../engine/types.js';
import { TunegateError } from '../errors.js';
import {
  type ActionCommand,
  CACHE_MODE_INPUTS,
  type CacheModeInput,
  COMMANDS,
  DEFAULT_HISTORY_BRANCH,
  DEFAULT_HISTORY_KEEP_RUNS,
  DEFAULT_SHARDS,
  HISTORY_ARTIFACT,
  type HistorySetting,
  Input,
  REFRESH_EVENTS,
} from './constants.js';

export interface ActionInputs {
  suites: string[];
  githubToken: string;
  comment: boolean;
  commentKey: string;
  failOn: Set<FailOn>;
  maxCostUsd: number | undefined;
  concurrency: number | undefined;
  workingDirectory: string;
  compareBase: boolean;
  baseRef: string | undefined;
  runAll: boolean;
  reference: string | undefined;
  out: string;
  /** Restore the response cache of earlier workflow runs, and save it after this one. */
  cache: boolean;
  /** How this run uses the cache; `auto` is decided by the event (see `cacheModeFor`). */
  cacheMode: CacheModeInput;
  artifact: string | undefined;
  requireSecrets: boolean;
  simulate: boolean;
  simConfig: string | undefined;
  command: ActionCommand;
  model: string | undefined;
  promoteMode: 'dry-run' | 'commit' | 'pull-request';
  trainingSet: string | undefined;
  job: string | undefined;
  pollSeconds: number;
  history: HistorySetting;
  historyKeep: number;
  accept: boolean;
  /** Events on which the retrain trigger may start training; empty: schedule, workflow_dispatch, push. */
  triggerOn: string[];
  /** (promote) Add the registry key when it is missing (else a missing key is an error). */
  createKey: boolean;
  /** Measure fragility for suites with a `fragility` section. */
  fragility: boolean;
  /** Where to write the run's JUnit XML (relative to the working directory); empty: none. */
  junit: string | undefined;
  /** Evaluate only this shard of the cases (a matrix job); the merge command reports the whole run. */
  shard: ShardSpec | undefined;
  /** (merge) The shards' results directories or globs, relative to the working directory. */
  shards: string[];
  /** Make the calls through the providers' Batch APIs: `submit` (input `true`) or `wait`; undefined: `false`. */
  batch: BatchMode | undefined;
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const raw = core.getInput(name).trim() || fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw inputError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function inputError(name: string, message: string): TunegateError {
  return new TunegateError('input', `input "${name}": ${message}`);
}

function flag(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '') return fallback;
  if (['true', 'yes', 'on', '1'].includes(raw)) return true;
  if (['false', 'no', 'off', '0'].includes(raw)) return false;
  throw inputError(name, `expected true or false, got "${raw}"`);
}

function optionalNumber(name: string, integer: boolean): number | undefined {
  const raw = core.getInput(name).trim();
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw inputError(name, `expected a ${integer ? 'whole number' : 'number'} ≥ 0, got "${raw}"`);
  }
  return value;
}

function positiveCount(name: string): number | undefined {
  const value = optionalNumber(name, true);
  if (value === 0) throw inputError(name, 'expected a whole number ≥ 1, got "0"');
  return value;
}

function optionalString(name: string): string | undefined {
  const raw = core.getInput(name).trim();
  return raw === '' ? undefined : raw;
}

function parseFailOn(raw: string): Set<FailOn> {
  const items = raw
    .split(/[\s,]+/)
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  for (const item of items) {
    if (!(FAIL_ON as readonly string[]).includes(item)) {
      throw inputError(Input.failOn, `unknown "${item}"; use any of ${FAIL_ON.join(', ')}`);
    }
  }
  return new Set(items as FailOn[]);
}

/**
 * A branch name git and GitHub accept: no spaces, control characters or `~^:?*[\\`, no `..` or `@{`,
 * no part that starts with `.` or ends with `.lock`, not starting with `-` nor ending with `/` or `.`.
 */
function isBranchName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses
  if (name === '' || name === '@' || /[\s~^:?*[\\\u0000-\u001f\u007f]|\.\.|@\{|\/\/|^[-/]|[/.]$/u.test(name))
    return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** `branch:NAME` (the default, on branch tunegate-history), `artifact`, or `none`. */
export function parseHistorySetting(raw: string): HistorySetting {
  const value = raw.trim() || `branch:${DEFAULT_HISTORY_BRANCH}`;
  if (value === 'none') return { kind: 'none' };
  if (value === 'artifact') return { kind: 'artifact', name: HISTORY_ARTIFACT };
  if (value.startsWith('branch:')) {
    const branch = value
      .slice('branch:'.length)
      .trim()
      .replace(/^refs\/heads\//, '');
    if (isBranchName(branch)) return { kind: 'branch', branch };
    throw inputError(Input.history, `"${branch}" is not a branch name git accepts`);
  }
  throw inputError(Input.history, `expected branch:NAME, artifact or none, got "${value}"`);
}

/** `K/N`, as `run --shard` takes it; the error names the input. */
function shardInput(): ShardSpec | undefined {
  const raw = optionalString(Input.shard);
  if (raw === undefined) return undefined;
  try {
    return parseShard(raw);
  } catch {
    throw inputError(Input.shard, `expected K/N with 1 ≤ K ≤ N (e.g. \${{ matrix.shard }}/4), got "${raw}"`);
  }
}

/** A list input: items separated by commas, spaces or new lines. */
function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\n,]+|\s+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Reads and checks every input; called at run time, never at module load. */
export function getInputs(): ActionInputs {
  const suites = listInput(Input.suites);
  const simConfig = optionalString(Input.simConfig);
  return {
    suites: suites.length > 0 ? suites : ['evals/*.yaml'],
    githubToken: core.getInput(Input.githubToken),
    comment: flag(Input.comment, true),
    commentKey: optionalString(Input.commentKey) ?? 'default',
    failOn: parseFailOn(core.getInput(Input.failOn) || 'threshold,regression,verdict,drift'),
    maxCostUsd: optionalNumber(Input.maxCostUsd, false),
    concurrency: optionalNumber(Input.concurrency, true),
    workingDirectory: optionalString(Input.workingDirectory) ?? '.',
    compareBase: flag(Input.compareBase, true),
    baseRef: optionalString(Input.baseRef),
    runAll: flag(Input.runAll, false),
    reference: optionalString(Input.reference),
    out: optionalString(Input.out) ?? 'tunegate-results',
    cache: flag(Input.cache, true),
    cacheMode: oneOf(Input.cacheMode, CACHE_MODE_INPUTS, 'auto'),
    artifact: optionalString(Input.artifact),
    requireSecrets: flag(Input.requireSecrets, false),
    simulate: flag(Input.simulate, false) || simConfig !== undefined,
    simConfig,
    command: oneOf(Input.command, COMMANDS, 'evaluate'),
    model: optionalString(Input.model),
    promoteMode: oneOf(Input.promoteMode, ['dry-run', 'commit', 'pull-request'] as const, 'pull-request'),
    trainingSet: optionalString(Input.trainingSet),
    job: optionalString(Input.job),
    pollSeconds: optionalNumber(Input.pollSeconds, false) ?? 15,
    history: parseHistorySetting(core.getInput(Input.history)),
    historyKeep: positiveCount(Input.historyKeep) ?? DEFAULT_HISTORY_KEEP_RUNS,
    accept: flag(Input.accept, false),
    triggerOn: listInput(Input.triggerOn),
    createKey: flag(Input.createKey, false),
    fragility: flag(Input.fragility, true),
    junit: core.getInput(Input.junit) || undefined,
    shard: shardInput(),
    shards: listInput(Input.shards).length > 0 ? listInput(Input.shards) : [DEFAULT_SHARDS],
    batch: batchInput(),
  };
}

/** `batch`: false (default), true (submit; a later run collects) or wait (poll until the batches finish). */
function batchInput(): BatchMode | undefined {
  const mode = oneOf(Input.batch, ['false', 'true', 'wait'] as const, 'false');
  return mode === 'false' ? undefined : mode === 'true' ? 'submit' : 'wait';
}

/** The run's simulator option from simulate / sim-config (paths relative to the working directory). */
export function simulateOption(inputs: ActionInputs, workdir: string): RunSuitesOptions['simulate'] {
  if (!inputs.simulate) return undefined;
  return inputs.simConfig ? { configPath: resolve(workdir, inputs.simConfig) } : {};
}

/**
 * The cache mode of a run: as asked, or for `auto` by purpose — `refresh` on `schedule` and `workflow_dispatch`
 * (a scheduled eval exists to notice that the model behind an unchanged id changed, which cached answers would
 * hide), `use` otherwise (on a pull request the model did not change, the prompt did).
 */
export function cacheModeFor(requested: CacheModeInput, eventName: string): CacheMode {
  if (requested !== 'auto') return requested;
  return REFRESH_EVENTS.includes(eventName) ? 'refresh' : 'use';
}
