import path from 'node:path';
import { keysInOrder, locatePath, rowsAsWritten } from './locate.js';
import { fileRefPath, isFileRef } from './paths.js';
import type { SuiteReport } from './report.js';
import {
  checkFileExists,
  checkInsideWorkspace,
  type FileContext,
  readExamples,
  readJsonSchema,
  readLabels,
  readSystemPrompt,
} from './resolve-files.js';
import { resolveFragility } from './resolve-fragility.js';
import { resolveTask } from './resolve-task.js';
import { defaults, type RawProvider, type RawScorer, type RawSuite, type RawVariant } from './schema.js';
import type {
  DatasetSpec,
  DecisionSpec,
  FewShotExample,
  LoadedSuite,
  ProviderSpec,
  ScorerSpec,
  TaskKind,
  TrainingBackendSpec,
  TrainingSourceSpec,
  TrainingSpec,
  VariantSpec,
} from './types.js';

/**
 * Turns a schema-valid raw suite into a LoadedSuite: defaults applied, file:// contents read,
 * relative paths made absolute, cross-references checked. Every problem is reported, none thrown.
 */

export type MissingApiKey = 'problem' | 'warning';

export interface ResolveOptions {
  env: Record<string, string | undefined>;
  requireApiKeys: boolean;
  missingApiKey: MissingApiKey;
}

const formatsByExtension: Record<string, 'jsonl' | 'csv'> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
};

async function resolveDataset(ctx: FileContext, raw: RawSuite['dataset']): Promise<DatasetSpec> {
  const { line, col } = locatePath(ctx.report.source, ['dataset'], 'key');
  const spec: DatasetSpec = {
    input: raw.input ?? defaults.dataset.input,
    expected: raw.expected ?? defaults.dataset.expected,
    ref: { file: ctx.file, line, col },
  };
  if (raw.id !== undefined) spec.id = raw.id;
  if (raw.sample) spec.sample = { size: raw.sample.size, seed: raw.sample.seed ?? defaults.dataset.seed };
  if (raw.cases) spec.inline = rowsAsWritten(ctx.report.source, ['dataset', 'cases'], raw.cases);
  if (raw.path !== undefined) {
    spec.path = path.resolve(ctx.dir, raw.path);
    const format = raw.format ?? formatsByExtension[path.extname(raw.path).toLowerCase()];
    if (format) spec.format = format;
    else {
      ctx.report.at(
        ['dataset', 'path'],
        'dataset',
        `cannot tell the format of "${raw.path}" from its extension; set dataset.format to jsonl or csv`,
      );
    }
    await checkFileExists(ctx, ['dataset', 'path'], spec.path);
  }
  return spec;
}

async function resolveLabels(ctx: FileContext, labels: RawSuite['task']['labels']): Promise<string[] | undefined> {
  if (labels === undefined) return undefined;
  const list = typeof labels === 'string' ? await readLabels(ctx, ['task', 'labels'], labels) : labels;
  if (!list) return undefined;
  const unique = [...new Set(list)];
  if (unique.length < list.length) ctx.report.warnAt(['task', 'labels'], 'labels', 'duplicate labels were ignored');
  return unique;
}

function defaultScoring(kind: TaskKind): ScorerSpec[] {
  if (kind === 'classification') return [{ type: 'labels', normalize: [...defaults.normalize.labels] }];
  if (kind === 'extraction') return [{ type: 'json', normalize: [...defaults.normalize.json] }];
  return [{ type: 'exact', normalize: [...defaults.normalize.exact] }];
}

async function resolveScorer(ctx: FileContext, raw: RawScorer, yamlPath: string[]): Promise<ScorerSpec | undefined> {
  if (typeof raw === 'string') {
    if (raw === 'contains') return { type: 'contains', normalize: [...defaults.normalize.contains] };
    return { type: raw, normalize: [...defaults.normalize[raw]] };
  }
  if (raw.exact) return { type: 'exact', normalize: raw.exact.normalize ?? [...defaults.normalize.exact] };
  if (raw.labels) return { type: 'labels', normalize: raw.labels.normalize ?? [...defaults.normalize.labels] };
  if (raw.contains) {
    const spec: ScorerSpec = {
      type: 'contains',
      normalize: raw.contains.normalize ?? [...defaults.normalize.contains],
    };
    if (raw.contains.value !== undefined) spec.value = raw.contains.value;
    return spec;
  }
  if (raw.regex) {
    try {
      new RegExp(raw.regex.pattern, raw.regex.flags);
    } catch (error) {
      ctx.report.at(
        [...yamlPath, 'regex', 'pattern'],
        'regex',
        `invalid regular expression: ${(error as Error).message}`,
      );
    }
    return raw.regex.flags === undefined
      ? { type: 'regex', pattern: raw.regex.pattern }
      : { type: 'regex', pattern: raw.regex.pattern, flags: raw.regex.flags };
  }
  if (raw.json) {
    const spec: ScorerSpec = { type: 'json', normalize: raw.json.normalize ?? [...defaults.normalize.json] };
    if (raw.json.fields) spec.fields = raw.json.fields;
    if (raw.json.schema !== undefined) {
      const schema = await readJsonSchema(ctx, [...yamlPath, 'json', 'schema'], raw.json.schema);
      if (schema) spec.schema = schema;
    }
    return spec;
  }
  if (raw.custom) {
    const module = path.resolve(ctx.dir, raw.custom.module);
    await checkFileExists(ctx, [...yamlPath, 'custom', 'module'], module);
    return { type: 'custom', module, export: raw.custom.export ?? defaults.customExport };
  }
  return undefined;
}

async function resolveScoring(ctx: FileContext, raw: RawSuite): Promise<ScorerSpec[]> {
  if (!raw.scoring || raw.scoring.length === 0) return defaultScoring(raw.task.kind);
  const specs: ScorerSpec[] = [];
  for (const [index, item] of raw.scoring.entries()) {
    const spec = await resolveScorer(ctx, item, ['scoring', String(index)]);
    if (spec) specs.push(spec);
  }
  return specs;
}

/** A local provider is tunegate's own server: an endpoint or a key of its own would be ignored, so neither is allowed. */
function checkLocalProvider(report: SuiteReport, name: string, raw: RawProvider): void {
  const conflicting = [
    raw.base_url === undefined ? undefined : 'base_url',
    raw.api_key_env === undefined ? undefined : 'api_key_env',
  ];
  for (const key of conflicting) {
    if (key === undefined) continue;
    report.at(
      ['providers', name, key],
      'local-provider',
      `a provider with local: true is served by tunegate itself on a loopback port and takes no ${key}; remove ${key}, or remove local: true to call that server`,
    );
  }
}

function resolveProvider(report: SuiteReport, name: string, raw: RawProvider, options: ResolveOptions): ProviderSpec {
  const spec: ProviderSpec = {
    name,
    headers: raw.headers ?? {},
    timeout_ms: raw.timeout_ms ?? defaults.provider.timeout_ms,
    max_retries: raw.max_retries ?? defaults.provider.max_retries,
    // A local model predicts on the run's own thread: parallel calls would only queue, and their wait would be
    // measured (and priced per hour) as the model's latency.
    concurrency: raw.concurrency ?? (raw.local === true ? 1 : defaults.provider.concurrency),
    stream: raw.stream ?? defaults.provider.stream,
    stream_usage: raw.stream_usage ?? defaults.provider.stream_usage,
  };
  if (raw.local === true) {
    spec.local = true;
    checkLocalProvider(report, name, raw);
  }
  if (raw.base_url !== undefined) spec.base_url = raw.base_url;
  if (raw.api_version !== undefined) spec.api_version = raw.api_version;
  if (raw.context_window !== undefined) spec.context_window = raw.context_window;
  if (raw.platform !== undefined) spec.platform = raw.platform;
  if (raw.batch_discount !== undefined) spec.batch_discount = raw.batch_discount;
  // A secret the run needs but the environment lacks: code `api-key`, so the Action can skip fork PRs.
  const requireVariable = (yamlPath: string[], variable: string, otherwise: string) => {
    if (!options.requireApiKeys || options.env[variable]) return;
    if (options.missingApiKey === 'warning') {
      report.warnAt(yamlPath, 'api-key', `set ${variable} in the environment before a run (${otherwise})`);
    } else report.at(yamlPath, 'api-key', `set ${variable} in the environment (${otherwise})`);
  };
  if (raw.api_key_env !== undefined && raw.local !== true) {
    spec.api_key_env = raw.api_key_env;
    requireVariable(
      ['providers', name, 'api_key_env'],
      raw.api_key_env,
      'or remove api_key_env for servers that need no key',
    );
  }
  for (const [header, value] of Object.entries(spec.headers)) {
    if (typeof value === 'string') continue;
    requireVariable(['providers', name, 'headers', header, 'env'], value.env, 'or give the header a literal value');
  }
  return spec;
}

/**
 * A reference to a provider or variant names one the file declares. Names are read from the file, not
 * from what resolved: a declared entry with a schema error of its own is not also "unknown".
 */
function checkReference(ctx: FileContext, yamlPath: string[], section: 'providers' | 'variants', name: string): void {
  const declared = keysInOrder(ctx.report.source, [section]);
  if (declared.includes(name)) return;
  const [code, kind] = section === 'providers' ? ['unknown-provider', 'provider'] : ['unknown-variant', 'variant'];
  ctx.report.at(yamlPath, code, `unknown ${kind} "${name}"; defined: ${declared.join(', ')}`);
}

function checkProviderName(ctx: FileContext, yamlPath: string[], name: string): void {
  checkReference(ctx, yamlPath, 'providers', name);
}

async function resolveVariant(ctx: FileContext, name: string, raw: RawVariant): Promise<VariantSpec> {
  const yamlPath = ['variants', name];
  checkProviderName(ctx, [...yamlPath, 'provider'], raw.provider);
  const template = raw.template ?? defaults.variant.template;
  if (!template.includes('{{')) {
    ctx.report.warnAt(
      [...yamlPath, 'template'],
      'template',
      'has no {{field}} placeholder, so every case sends the same message',
    );
  }
  let examples: FewShotExample[] = [];
  if (typeof raw.examples === 'string')
    examples = (await readExamples(ctx, [...yamlPath, 'examples'], raw.examples)) ?? [];
  else if (raw.examples) examples = raw.examples;
  if (raw.role === 'finetuned' && examples.length > 0) {
    ctx.report.warnAt(
      [...yamlPath, 'examples'],
      'finetuned-examples',
      'few-shot examples on a fine-tuned variant are sent with every request (and so are put into every training ' +
        'row too); a fine-tuned model learns the task from its training set, so remove them to save their tokens',
    );
  }
  const spec: VariantSpec = {
    name,
    role: raw.role,
    provider: raw.provider,
    model: raw.model,
    examples,
    template,
    params: raw.params ?? {},
    model_ref: { file: ctx.file, ...locatePath(ctx.report.source, [...yamlPath, 'model']) },
  };
  if (raw.context_window !== undefined) spec.context_window = raw.context_window;
  if (raw.base_model !== undefined) spec.base_model = raw.base_model;
  if (raw.system !== undefined) {
    const system = isFileRef(raw.system)
      ? await readSystemPrompt(ctx, [...yamlPath, 'system'], raw.system)
      : raw.system;
    if (system !== undefined) spec.system = system;
  }
  return spec;
}

/** Applies the decision defaults and checks that baseline/candidate name real variants. */
function resolveDecision(ctx: FileContext, raw: RawSuite): DecisionSpec {
  const given = raw.decision ?? {};
  for (const key of ['baseline', 'candidate'] as const) {
    const name = given[key];
    if (name !== undefined) checkReference(ctx, ['decision', key], 'variants', name);
  }
  const { sequential, ...rest } = given;
  const { sequential_looks, ...decisionDefaults } = defaults.decision;
  const resolved: DecisionSpec = { ...decisionDefaults, fail_on: [...defaults.decision.fail_on], ...rest };
  if (sequential === true) resolved.sequential = { looks: sequential_looks, spending: 'obrien-fleming' };
  else if (sequential && typeof sequential === 'object') {
    resolved.sequential = { looks: sequential.looks ?? sequential_looks, spending: 'obrien-fleming' };
  }
  return resolved;
}

type RawTraining = NonNullable<RawSuite['training']>;

function resolveTrainingBackend(
  ctx: FileContext,
  raw: NonNullable<RawTraining['backend']>,
  kind: TaskKind,
): TrainingBackendSpec {
  if (raw.type === 'local') {
    if (kind !== 'classification') {
      ctx.report.at(
        ['training', 'backend', 'type'],
        'local-backend',
        `the local backend trains classifiers only; this suite's task.kind is ${kind}: use another backend ` +
          '(openai, azure, fireworks, github-dispatch or webhook) or make the task a classification',
      );
    }
    return { type: 'local' };
  }
  if (raw.type === 'openai') {
    checkProviderName(ctx, ['training', 'backend', 'provider'], raw.provider);
    return { type: 'openai', provider: raw.provider, api: raw.api ?? defaults.training.openai_api };
  }
  if (raw.type === 'azure') {
    checkProviderName(ctx, ['training', 'backend', 'provider'], raw.provider);
    const { deployment } = raw;
    return {
      type: 'azure',
      provider: raw.provider,
      deployment: {
        ...deployment,
        sku: deployment.sku ?? defaults.training.azure_sku,
        capacity: deployment.capacity ?? defaults.training.azure_capacity,
        api_version: deployment.api_version ?? defaults.training.azure_management_api_version,
        management_url: deployment.management_url ?? defaults.training.azure_management_url,
      },
    };
  }
  if (raw.type === 'fireworks') {
    checkProviderName(ctx, ['training', 'backend', 'provider'], raw.provider);
    return { ...raw };
  }
  if (raw.type === 'github-dispatch') {
    return {
      ...raw,
      event_type: raw.event_type ?? defaults.training.event_type,
      ref: raw.ref ?? defaults.training.ref,
    };
  }
  return { ...raw, headers: raw.headers ?? {} };
}

async function resolveTrainingSources(ctx: FileContext, raw: RawTraining['sources']): Promise<TrainingSourceSpec[]> {
  const sources: TrainingSourceSpec[] = [];
  for (const [index, source] of (raw ?? ['dataset']).entries()) {
    const yamlPath = ['training', 'sources', String(index)];
    if (source === 'eval' || source === 'dataset') sources.push({ type: source });
    else if ('logs' in source) {
      const absolute = isFileRef(source.logs) ? fileRefPath(ctx.dir, source.logs) : path.resolve(ctx.dir, source.logs);
      if (await checkFileExists(ctx, [...yamlPath, 'logs'], absolute)) sources.push({ type: 'logs', path: absolute });
    } else {
      const { provider, model, metadata, limit } = source.stored;
      checkProviderName(ctx, [...yamlPath, 'stored', 'provider'], provider);
      sources.push({
        type: 'stored',
        provider,
        ...(model === undefined ? {} : { model }),
        metadata: metadata ?? {},
        limit: limit ?? defaults.training.stored_limit,
      });
    }
  }
  return sources;
}

/** The training section: defaults, absolute paths, seeds read, cross-references checked. */
async function resolveTraining(
  ctx: FileContext,
  raw: RawTraining | undefined,
  kind: TaskKind,
): Promise<TrainingSpec | undefined> {
  if (raw === undefined) return undefined;
  if (raw.variant !== undefined) checkReference(ctx, ['training', 'variant'], 'variants', raw.variant);
  const spec: TrainingSpec = {
    trigger: raw.trigger ?? defaults.training.trigger,
    sources: await resolveTrainingSources(ctx, raw.sources),
    validation_split: raw.validation_split ?? defaults.training.validation_split,
    epochs: raw.epochs ?? defaults.training.epochs,
    method: raw.method ?? defaults.training.method,
    max_tokens_per_example: raw.max_tokens_per_example ?? defaults.training.max_tokens_per_example,
  };
  if (raw.base_model !== undefined) spec.base_model = raw.base_model;
  if (raw.variant !== undefined) spec.variant = raw.variant;
  if (raw.holdout !== undefined) {
    spec.holdout =
      typeof raw.holdout === 'number'
        ? { eval: raw.holdout, seed: defaults.training.holdout_seed }
        : { eval: raw.holdout.eval, seed: raw.holdout.seed ?? defaults.training.holdout_seed };
  }
  if (raw.serve_as !== undefined) {
    spec.serve_as = { ...raw.serve_as };
    if (raw.serve_as.provider !== undefined)
      checkProviderName(ctx, ['training', 'serve_as', 'provider'], raw.serve_as.provider);
  }
  if (raw.suffix !== undefined) spec.suffix = raw.suffix;
  if (raw.backend !== undefined) spec.backend = resolveTrainingBackend(ctx, raw.backend, kind);
  if (raw.registry !== undefined) {
    const file = isFileRef(raw.registry.file)
      ? fileRefPath(ctx.dir, raw.registry.file)
      : path.resolve(ctx.dir, raw.registry.file);
    await checkInsideWorkspace(ctx, ['training', 'registry', 'file'], file);
    const keyRef = { file: ctx.file, ...locatePath(ctx.report.source, ['training', 'registry', 'key']) };
    spec.registry = { file, key: raw.registry.key, key_ref: keyRef };
  }
  if (raw.distill !== undefined) {
    const { seeds: seedsRef, teacher, count, batch, max_cost_usd, similarity } = raw.distill;
    if (teacher !== undefined) checkReference(ctx, ['training', 'distill', 'teacher'], 'variants', teacher);
    const seeds = isFileRef(seedsRef) ? await readExamples(ctx, ['training', 'distill', 'seeds'], seedsRef) : undefined;
    if (!isFileRef(seedsRef)) {
      ctx.report.at(
        ['training', 'distill', 'seeds'],
        'seeds',
        'seeds must be a file:// reference to a JSONL of {"input","output"} lines',
      );
    }
    spec.distill = {
      seeds: seeds ?? [],
      seeds_file: isFileRef(seedsRef) ? fileRefPath(ctx.dir, seedsRef) : seedsRef,
      count: count ?? defaults.training.distill_count,
      batch: batch ?? defaults.training.distill_batch,
      similarity: similarity ?? defaults.training.distill_similarity,
      ...(teacher === undefined ? {} : { teacher }),
      ...(max_cost_usd === undefined ? {} : { max_cost_usd }),
    };
  }
  return spec;
}

export async function resolveSuite(raw: RawSuite, ctx: FileContext, options: ResolveOptions): Promise<LoadedSuite> {
  const dataset = await resolveDataset(ctx, raw.dataset);
  const labels = await resolveLabels(ctx, raw.task.labels);
  const scoring = await resolveScoring(ctx, raw);
  const providers: Record<string, ProviderSpec> = {};
  for (const [name, provider] of Object.entries(raw.providers)) {
    providers[name] = resolveProvider(ctx.report, name, provider, options);
  }
  const variants: VariantSpec[] = [];
  for (const name of keysInOrder(ctx.report.source, ['variants'])) {
    const variant = raw.variants[name];
    if (variant) variants.push(await resolveVariant(ctx, name, variant));
  }
  const suite: LoadedSuite = {
    file: ctx.file,
    dir: ctx.dir,
    name: raw.name,
    dataset,
    task: resolveTask(ctx, raw.task, labels),
    scoring,
    providers,
    variants,
    pricing: raw.pricing ?? {},
    // The error-rate gate is on unless the suite sets its own limit: errors must never pass silently.
    thresholds: { error_rate: { ...defaults.thresholds.error_rate }, ...raw.thresholds },
    decision: resolveDecision(ctx, raw),
    sources: [...ctx.sources],
  };
  if (raw.description !== undefined) suite.description = raw.description;
  const training = await resolveTraining(ctx, raw.training, raw.task.kind);
  if (training) suite.training = training;
  const fragility = await resolveFragility(ctx, raw.fragility, { variants, labels });
  if (fragility) suite.fragility = fragility;
  // Files read while resolving training and fragility (seeds, rewordings) change results too.
  suite.sources = [...ctx.sources];
  return suite;
}
