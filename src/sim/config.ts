import { readFile } from 'node:fs/promises';
import { type Problem, TunegateError } from '../errors.js';
import { parseJsonRow } from '../suite/json-text.js';
import { parseBatchConfig, type SimBatchConfig } from './batch-config.js';
import { Checker, isRecord } from './config-check.js';
import { parseFragility, parsePrompts, type SimFragility, type SimPrompt } from './config-fragility.js';

/** How one simulated model behaves. */
export interface SimModel {
  /** Share of the dataset answered correctly, exactly (0..1). */
  accuracy: number;
  /** Mean response time (default 0). */
  latency_ms?: number;
  /** Deterministic spread around latency_ms (default 0). */
  jitter_ms?: number;
  /** When streaming, the first content arrives after this share of the latency (default 0.4). */
  ttft_fraction?: number;
  /** Share of prompt tokens reported as cached, for prompts of at least 1024 tokens (default 0). */
  cached_prompt_fraction?: number;
  /** Served by `GET /v1/models` and `/v1/models/{id}` as the model's `shutdown_date` (YYYY-MM-DD; null: none announced). */
  shutdown_date?: string | null;
  /** Per perturbation family, the probability that a perturbed request changes the answer (see SimFragility). */
  fragility?: SimFragility;
}

/** Fault injection, applied per HTTP attempt. Rates are probabilities per request (their sum ≤ 1). */
export interface SimFaults {
  rate_429?: number;
  rate_500?: number;
  rate_reset?: number;
  rate_slow?: number;
  /** Extra delay of a slow response (default 3000). */
  slow_ms?: number;
  /** Sent as `retry-after-ms` (and rounded up as `retry-after` seconds) with a 429 (default 100). */
  retry_after_ms?: number;
}

/**
 * A rate limit like a real API's: a token bucket of requests. A request over it is answered 429 with
 * `retry-after`, and every completion carries OpenAI's `x-ratelimit-*-requests` headers.
 */
export interface SimRateLimit {
  requests_per_second: number;
  /** Requests a full bucket lets through at once (default: one second's worth). */
  burst?: number;
  /** Sent as `retry-after-ms` (and rounded up as `retry-after` seconds) with a 429 (default 1000). */
  retry_after_ms?: number;
  /** Send the `x-ratelimit-*` headers (default true). */
  headers?: boolean;
}

/** The simulated fine-tuning API: how jobs progress and how well the models they make answer. */
export interface SimFineTuning {
  /** Training steps a job reports, one per poll, between "started" and "succeeded" (default 3). */
  steps?: number;
  /** Accuracy of every fine-tuned model (default 0.9). */
  accuracy?: number;
  /** Accuracy of models trained with a given `suffix`, over `accuracy`. */
  accuracy_by_suffix?: Record<string, number>;
  /** Refuse job creation with a 403, as for an account that may not fine-tune. */
  permission_denied?: boolean;
  /** Base models offered for fine-tuning; any other answers 404 (default: every model). */
  fine_tunable?: string[];
  /** Fireworks account ids and Azure resource names that exist; any other answers 404 (default: every one). */
  accounts?: string[];
  /** Refuse Azure deployments with a 403, as for a token without the role to write them. */
  deploy_denied?: boolean;
  /** Polls of an Azure deployment before it succeeds (default 1). */
  deploy_steps?: number;
  /** Fragility of every fine-tuned model (default: none, a model that learnt the task is steady). */
  fragility?: SimFragility;
}

export interface SimCase {
  input: string;
  expected: unknown;
}

export interface SimConfig {
  seed?: number;
  /**
   * How much the models agree on which cases are hard, 0..1 (default 0: independent errors). Real
   * models tend to fail on the same hard cases, which narrows paired intervals.
   */
  shared_difficulty?: number;
  cases: SimCase[];
  /**
   * Rows no evaluation uses (a suite's train part): the simulated distillation teacher writes its
   * "new" inputs as rewordings of these, so they do not leak the eval set. Answered like any case,
   * but outside the exact accuracy count of `cases`.
   */
  teacher_sources?: SimCase[];
  models: Record<string, SimModel>;
  /**
   * A catch-all for requested models not listed in `models` (nor made by fine-tuning). Without it such
   * a model answers 404 `model_not_found`, as a real API does.
   */
  default_model?: SimModel;
  faults?: SimFaults;
  rate_limit?: SimRateLimit;
  fine_tuning?: SimFineTuning;
  /** The prompts requests are expected to carry, to recognise reworded or reordered ones (see SimPrompt). */
  prompts?: SimPrompt[];
  /** The Batch API: how batches progress and which lines fail or expire (see batch-config.ts). */
  batch?: SimBatchConfig;
}

const CONFIG_KEYS = [
  'seed',
  'cases',
  'teacher_sources',
  'models',
  'default_model',
  'faults',
  'rate_limit',
  'shared_difficulty',
  'fine_tuning',
  'prompts',
  'batch',
];
const RATE_LIMIT_KEYS = ['requests_per_second', 'burst', 'retry_after_ms', 'headers'];
const FINE_TUNING_KEYS = [
  'steps',
  'accuracy',
  'accuracy_by_suffix',
  'permission_denied',
  'fine_tunable',
  'accounts',
  'deploy_denied',
  'deploy_steps',
  'fragility',
];
const MODEL_KEYS = [
  'accuracy',
  'latency_ms',
  'jitter_ms',
  'ttft_fraction',
  'cached_prompt_fraction',
  'shutdown_date',
  'fragility',
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FRACTION_FAULTS = ['rate_429', 'rate_500', 'rate_reset', 'rate_slow'] as const;
const DURATION_FAULTS = ['slow_ms', 'retry_after_ms'] as const;

function parseModel(raw: unknown, path: string, check: Checker): SimModel | undefined {
  if (!isRecord(raw)) {
    check.add(path, 'must be an object like { accuracy: 0.9, latency_ms: 300 }');
    return undefined;
  }
  check.knownKeys(raw, MODEL_KEYS, `${path}.`);
  const accuracy = check.number(raw.accuracy, `${path}.accuracy`, 0, 1);
  if (raw.accuracy === undefined) check.add(`${path}.accuracy`, 'is required (a number between 0 and 1)');
  const model: SimModel = { accuracy: accuracy ?? 1 };
  const latency = check.number(raw.latency_ms, `${path}.latency_ms`, 0);
  const jitter = check.number(raw.jitter_ms, `${path}.jitter_ms`, 0);
  const ttft = check.number(raw.ttft_fraction, `${path}.ttft_fraction`, 0, 1);
  const cached = check.number(raw.cached_prompt_fraction, `${path}.cached_prompt_fraction`, 0, 1);
  if (latency !== undefined) model.latency_ms = latency;
  if (jitter !== undefined) model.jitter_ms = jitter;
  if (ttft !== undefined) model.ttft_fraction = ttft;
  if (cached !== undefined) model.cached_prompt_fraction = cached;
  if (raw.shutdown_date === null) model.shutdown_date = null;
  else if (raw.shutdown_date !== undefined) {
    const date = raw.shutdown_date;
    if (typeof date === 'string' && DATE.test(date) && !Number.isNaN(Date.parse(date))) model.shutdown_date = date;
    else check.add(`${path}.shutdown_date`, `must be a date YYYY-MM-DD or null, got ${JSON.stringify(date)}`);
  }
  const fragility = parseFragility(raw.fragility, `${path}.fragility`, check);
  if (fragility !== undefined) model.fragility = fragility;
  return model;
}

function parseFaults(section: unknown, check: Checker): SimFaults | undefined {
  const raw = check.section(section, 'faults', '{ rate_429: 0.05 }', [...FRACTION_FAULTS, ...DURATION_FAULTS]);
  if (!raw) return undefined;
  const faults: SimFaults = {};
  let total = 0;
  for (const name of FRACTION_FAULTS) {
    const rate = check.number(raw[name], `faults.${name}`, 0, 1);
    if (rate !== undefined) {
      faults[name] = rate;
      total += rate;
    }
  }
  if (total > 1 + 1e-9) {
    check.add('faults', `the rates add up to ${Number(total.toFixed(6))}; their sum must be at most 1`);
  }
  for (const name of DURATION_FAULTS) {
    const ms = check.number(raw[name], `faults.${name}`, 0);
    if (ms !== undefined) faults[name] = ms;
  }
  return faults;
}

function parseRateLimit(section: unknown, check: Checker): SimRateLimit | undefined {
  const example = '{ requests_per_second: 100, retry_after_ms: 1000 }';
  const raw = check.section(section, 'rate_limit', example, RATE_LIMIT_KEYS);
  if (!raw) return undefined;
  const perSecond = check.number(raw.requests_per_second, 'rate_limit.requests_per_second', 0);
  if (raw.requests_per_second === undefined || perSecond === 0) {
    check.add('rate_limit.requests_per_second', 'is required: a number above 0');
  }
  const burst = check.number(raw.burst, 'rate_limit.burst', 1);
  const retryAfter = check.number(raw.retry_after_ms, 'rate_limit.retry_after_ms', 0);
  const headers = check.boolean(raw.headers, 'rate_limit.headers');
  if (perSecond === undefined || perSecond === 0) return undefined;
  const limit: SimRateLimit = { requests_per_second: perSecond };
  if (burst !== undefined) limit.burst = burst;
  if (retryAfter !== undefined) limit.retry_after_ms = retryAfter;
  if (headers !== undefined) limit.headers = headers;
  return limit;
}

function parseFineTuning(section: unknown, check: Checker): SimFineTuning | undefined {
  const raw = check.section(section, 'fine_tuning', '{ steps: 3, accuracy: 0.9 }', FINE_TUNING_KEYS);
  if (!raw) return undefined;
  const fineTuning: SimFineTuning = {};
  const steps = check.number(raw.steps, 'fine_tuning.steps', 0, 1000);
  if (steps !== undefined && !Number.isInteger(steps))
    check.add('fine_tuning.steps', `must be an integer, got ${steps}`);
  else if (steps !== undefined) fineTuning.steps = steps;
  const accuracy = check.number(raw.accuracy, 'fine_tuning.accuracy', 0, 1);
  if (accuracy !== undefined) fineTuning.accuracy = accuracy;
  if (raw.accuracy_by_suffix !== undefined) {
    if (!isRecord(raw.accuracy_by_suffix)) {
      check.add('fine_tuning.accuracy_by_suffix', 'must be a map of suffix → accuracy (0..1)');
    } else {
      const bySuffix: Record<string, number> = {};
      for (const [suffix, value] of Object.entries(raw.accuracy_by_suffix)) {
        const parsed = check.number(value, `fine_tuning.accuracy_by_suffix.${suffix}`, 0, 1);
        if (parsed !== undefined) bySuffix[suffix] = parsed;
      }
      fineTuning.accuracy_by_suffix = bySuffix;
    }
  }
  const permissionDenied = check.boolean(raw.permission_denied, 'fine_tuning.permission_denied');
  if (permissionDenied !== undefined) fineTuning.permission_denied = permissionDenied;
  const deployDenied = check.boolean(raw.deploy_denied, 'fine_tuning.deploy_denied');
  if (deployDenied !== undefined) fineTuning.deploy_denied = deployDenied;
  const deploySteps = check.number(raw.deploy_steps, 'fine_tuning.deploy_steps', 0, 1000);
  if (deploySteps !== undefined && Number.isInteger(deploySteps)) fineTuning.deploy_steps = deploySteps;
  else if (deploySteps !== undefined) check.add('fine_tuning.deploy_steps', `must be an integer, got ${deploySteps}`);
  for (const key of ['fine_tunable', 'accounts'] as const) {
    const list = raw[key];
    if (list === undefined) continue;
    if (Array.isArray(list) && list.every((item) => typeof item === 'string')) fineTuning[key] = list;
    else check.add(`fine_tuning.${key}`, 'must be a list of names');
  }
  const fragility = parseFragility(raw.fragility, 'fine_tuning.fragility', check);
  if (fragility !== undefined) fineTuning.fragility = fragility;
  return fineTuning;
}

function parseCases(raw: unknown, check: Checker, field = 'cases'): SimCase[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    check.add(field, 'must be a list of { input, expected }');
    return [];
  }
  const cases: SimCase[] = [];
  raw.forEach((item, index) => {
    if (!isRecord(item) || typeof item.input !== 'string' || item.expected === undefined) {
      check.add(`${field}[${index}]`, 'must be an object with a string `input` and an `expected` answer');
      return;
    }
    cases.push({ input: item.input, expected: item.expected });
  });
  return cases;
}

/**
 * Validates a simulator config read from YAML or JSON. `cases` may be omitted (fill them from a
 * dataset with loadSimCases). Throws a TunegateError listing every problem.
 */
export function parseSimConfig(raw: unknown, source: string): SimConfig {
  const check = new Checker();
  if (!isRecord(raw)) {
    throw new TunegateError('sim-config', `${source}: the simulator config must be an object (a YAML mapping).`);
  }
  const { strict_models: removedStrictModels, ...rest } = raw;
  check.knownKeys(rest, CONFIG_KEYS, '');
  const config: SimConfig = { cases: parseCases(raw.cases, check), models: {} };
  if (raw.teacher_sources !== undefined)
    config.teacher_sources = parseCases(raw.teacher_sources, check, 'teacher_sources');
  if (raw.seed !== undefined) {
    if (typeof raw.seed === 'number' && Number.isInteger(raw.seed)) config.seed = raw.seed;
    else check.add('seed', `must be an integer, got ${JSON.stringify(raw.seed)}`);
  }
  if (raw.models !== undefined && !isRecord(raw.models)) {
    check.add('models', 'must be a map of model id → { accuracy, latency_ms, ... }');
  } else {
    for (const [name, model] of Object.entries(raw.models ?? {})) {
      const parsed = parseModel(model, `models.${name}`, check);
      if (parsed) config.models[name] = parsed;
    }
  }
  if (raw.default_model !== undefined) {
    const parsed = parseModel(raw.default_model, 'default_model', check);
    if (parsed) config.default_model = parsed;
  }
  const shared = check.number(raw.shared_difficulty, 'shared_difficulty', 0, 1);
  if (shared !== undefined) config.shared_difficulty = shared;
  const faults = parseFaults(raw.faults, check);
  if (faults) config.faults = faults;
  const rateLimit = parseRateLimit(raw.rate_limit, check);
  if (rateLimit) config.rate_limit = rateLimit;
  if (removedStrictModels !== undefined) {
    // Unknown models always answer 404 now; say how to get the old catch-all instead of "unknown key".
    check.add(
      'strict_models',
      'is no longer needed: unknown models answer 404 model_not_found; for a catch-all add `default_model: { accuracy: 1 }`',
    );
  }
  const fineTuning = parseFineTuning(raw.fine_tuning, check);
  if (fineTuning) config.fine_tuning = fineTuning;
  const prompts = parsePrompts(raw.prompts, check);
  if (prompts) config.prompts = prompts;
  const batch = parseBatchConfig(raw.batch, check);
  if (batch) config.batch = batch;
  if (check.messages.length > 0) {
    const count = check.messages.length === 1 ? '1 problem' : `${check.messages.length} problems`;
    throw new TunegateError(
      'sim-config',
      `${source}: ${count} in the simulator config; fix them and run again:\n${check.messages.map((m) => `  ${m}`).join('\n')}`,
    );
  }
  return config;
}

/** Reads a dataset JSONL of `{"input": "...", "expected": ...}` lines as simulator cases. */
export async function loadSimCases(path: string): Promise<SimCase[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new TunegateError('sim-dataset', `${path}: ${reason}; pass a JSONL file of {"input", "expected"} lines.`, {
      cause: error,
    });
  }
  const cases: SimCase[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const at = { file: path, line: index + 1, col: 1, code: 'sim-dataset' };
    // Gold answers as `tunegate run` reads them: a number keeps the text the file wrote (1.0 stays "1.0").
    const parsed = parseJsonRow(line);
    if (!parsed.ok) {
      problems.push({ ...at, col: parsed.col, message: parsed.message });
      return;
    }
    const row = parsed.value;
    if (!isRecord(row) || typeof row.input !== 'string' || row.expected === undefined) {
      problems.push({ ...at, message: 'each line must be an object with a string "input" and an "expected" answer' });
      return;
    }
    cases.push({ input: row.input, expected: row.expected });
  });
  if (problems.length > 0) {
    const shown = problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`).join('\n');
    throw new TunegateError('sim-dataset', `${problems.length} bad line(s) in the simulator dataset:\n${shown}`, {
      problems,
    });
  }
  return cases;
}
