import type { FromSchema } from 'json-schema-to-ts';
import { fragility, fragilityOptions } from './schema-fragility.js';
import {
  azureDeployment,
  dispatchBackend,
  distill,
  openaiBackend,
  training,
  trainingSource,
} from './schema-training.js';

/**
 * The suite file's JSON Schema (draft-07): the single source of truth for the YAML format.
 * `npm run schema` writes it to schemas/suite.schema.json (a test keeps the two in sync), and the raw
 * YAML type below is derived from it. Defaults are listed here and applied by resolve.ts, which reads
 * them from this object, so a default is written exactly once.
 */

/** Suite, variant and provider names end up in file names, logs and reports: plain characters only. */
const namePattern = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

const fileRef = {
  type: 'string',
  pattern: '^file://.+',
  description: 'A file:// reference, resolved relative to the suite file (e.g. file://prompts/system.md).',
} as const;

const normalizers = {
  type: 'array',
  title: 'Normalizers',
  description: 'Applied to both the output and the expected answer before comparing, in this order.',
  items: {
    type: 'string',
    enum: ['trim', 'lowercase', 'collapse_whitespace', 'strip_punctuation'],
    description: 'trim, lowercase, collapse_whitespace (runs of whitespace become one space) or strip_punctuation.',
  },
} as const;

const exactScorer = {
  type: 'object',
  title: 'Exact match',
  description: 'The output equals the expected answer after normalization.',
  additionalProperties: false,
  properties: { normalize: { ...normalizers, default: ['trim'] } },
} as const;

const containsScorer = {
  type: 'object',
  title: 'Contains',
  description: 'The output contains a value (by default the expected answer).',
  additionalProperties: false,
  properties: {
    value: { type: 'string', title: 'Value', description: 'Text to look for; defaults to the expected answer.' },
    normalize: { ...normalizers, default: [] },
  },
} as const;

const regexScorer = {
  type: 'object',
  title: 'Regular expression',
  description: 'The output matches a JavaScript regular expression.',
  additionalProperties: false,
  required: ['pattern'],
  properties: {
    pattern: { type: 'string', minLength: 1, title: 'Pattern', description: 'JavaScript regular expression source.' },
    flags: {
      type: 'string',
      pattern: '^[dgimsuvy]*$',
      title: 'Flags',
      description: 'Regular expression flags, e.g. i.',
    },
  },
} as const;

const jsonScorer = {
  type: 'object',
  title: 'JSON',
  description: 'The output parses as JSON, optionally matches a schema, and its fields match the expected object.',
  additionalProperties: false,
  properties: {
    schema: {
      type: ['object', 'string'],
      pattern: '^file://.+',
      title: 'JSON Schema',
      description: 'A JSON Schema the output must satisfy: an inline object or a file:// reference to a .json file.',
    },
    fields: {
      type: 'array',
      items: { type: 'string' },
      title: 'Fields',
      description:
        'Fields compared with the expected object (partial credit per field); default: every expected field.',
    },
    normalize: { ...normalizers, default: ['trim'] },
  },
} as const;

const labelsScorer = {
  type: 'object',
  title: 'Labels',
  description: 'Classification: the predicted label equals the gold label (feeds per-label precision, recall, F1).',
  additionalProperties: false,
  properties: { normalize: { ...normalizers, default: ['trim', 'lowercase'] } },
} as const;

const customScorer = {
  type: 'object',
  title: 'Custom scorer',
  description: 'A JavaScript module exporting a scoring function.',
  additionalProperties: false,
  required: ['module'],
  properties: {
    module: {
      type: 'string',
      minLength: 1,
      title: 'Module',
      description: 'Path of the module, relative to the suite file (e.g. ./scorers/my-scorer.js).',
    },
    export: {
      type: 'string',
      minLength: 1,
      default: 'default',
      title: 'Export',
      description: 'Exported function name.',
    },
  },
} as const;

const scorer = {
  title: 'Scorer',
  description: 'A scorer name (exact, contains, json, labels) or a one-key object: scorer name → options.',
  anyOf: [
    {
      type: 'string',
      enum: ['exact', 'contains', 'json', 'labels'],
      description: 'A scorer with default options.',
    },
    {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      description: 'One key: the scorer name; its value: the scorer options.',
      properties: {
        exact: exactScorer,
        contains: containsScorer,
        regex: regexScorer,
        json: jsonScorer,
        labels: labelsScorer,
        custom: customScorer,
      },
    },
  ],
} as const;

const dataset = {
  type: 'object',
  title: 'Dataset',
  description: 'Where the cases come from: a file (path) or inline cases — exactly one of the two.',
  additionalProperties: false,
  oneOf: [{ required: ['path'] }, { required: ['cases'] }],
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      title: 'Path',
      description: 'A .jsonl or .csv file, relative to the suite file.',
    },
    format: {
      type: 'string',
      enum: ['jsonl', 'csv'],
      title: 'Format',
      description: 'File format; inferred from the extension when omitted.',
    },
    cases: {
      type: 'array',
      minItems: 1,
      title: 'Inline cases',
      description: 'Cases written in the suite, e.g. [{ input: "...", expected: "..." }].',
      items: { type: 'object' },
    },
    input: {
      type: 'string',
      minLength: 1,
      default: 'input',
      title: 'Input field',
      description: 'The field holding the input.',
    },
    expected: {
      type: 'string',
      minLength: 1,
      default: 'expected',
      title: 'Expected field',
      description: 'The field holding the gold answer.',
    },
    id: {
      type: 'string',
      minLength: 1,
      title: 'Id field',
      description: 'The field holding a stable case id; default: the row index.',
    },
    sample: {
      type: 'object',
      title: 'Sample',
      description: 'Evaluate a seeded random sample of the rows (same seed, same rows).',
      additionalProperties: false,
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, title: 'Size', description: 'Number of rows to keep.' },
        seed: { type: 'integer', default: 1, title: 'Seed', description: 'Random seed.' },
      },
    },
  },
} as const;

const task = {
  type: 'object',
  title: 'Task',
  description: 'What the model is asked to do.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: {
      type: 'string',
      enum: ['classification', 'extraction', 'generation'],
      title: 'Kind',
      description: 'classification (one label), extraction (a JSON object) or generation (free text).',
    },
    labels: {
      type: ['array', 'string'],
      items: { type: 'string' },
      minItems: 1,
      pattern: fileRef.pattern,
      title: 'Labels',
      description: 'The allowed labels: a list, or a file:// reference to a .txt (one per line) or a .json array.',
    },
    out_of_scope: {
      type: 'string',
      minLength: 1,
      title: 'Out-of-scope label',
      description:
        'classification only: the label that means "none of the intents" (CLINC150\'s oos). Reports show its ' +
        'recall, the in-scope accuracy and the in-scope cases answered with it (false alarms).',
    },
  },
} as const;

const envNamePattern = '^[A-Za-z_][A-Za-z0-9_]*$';

const headerValue = {
  title: 'Header value',
  description: 'A literal value, or { env: NAME }: the value of an environment variable, treated as a secret.',
  anyOf: [
    { type: 'string', description: 'The value as written (not a secret: it is in the suite file).' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['env'],
      description: 'Read from the environment; masked in the Action and redacted from every error text.',
      properties: {
        env: {
          type: 'string',
          pattern: envNamePattern,
          title: 'Variable',
          description: 'Name of the environment variable holding the value (never the value itself).',
        },
      },
    },
  ],
} as const;

const contextWindow = {
  type: 'integer',
  minimum: 1,
  title: 'Context window',
  description:
    'Tokens the model takes; rows whose prompt is longer are refused before any call. Known OpenAI models need none.',
} as const;

const provider = {
  type: 'object',
  title: 'Provider',
  description: 'An OpenAI-compatible endpoint.',
  additionalProperties: false,
  properties: {
    local: {
      type: 'boolean',
      title: 'Local',
      description:
        "tunegate serves this provider's local: models (trained with training.backend local) itself on a loopback port; no base_url or API key.",
    },
    base_url: {
      type: 'string',
      pattern: '^https?://',
      title: 'Base URL',
      description: 'e.g. http://127.0.0.1:11434/v1; defaults to the OpenAI API.',
    },
    api_key_env: {
      type: 'string',
      pattern: envNamePattern,
      title: 'API key variable',
      description: 'Name of the environment variable holding the API key (never the key itself).',
    },
    headers: {
      type: 'object',
      additionalProperties: headerValue,
      default: {},
      title: 'Headers',
      description:
        'Extra HTTP headers sent with every request: a literal value, or { env: NAME } to read a secret from the environment.',
    },
    timeout_ms: {
      type: 'integer',
      minimum: 1,
      default: 60000,
      title: 'Timeout (ms)',
      description: 'Per-request timeout.',
    },
    max_retries: {
      type: 'integer',
      minimum: 0,
      default: 4,
      title: 'Max retries',
      description: 'Retries on 408/409/429/5xx and connection errors.',
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      default: 8,
      title: 'Concurrency',
      description: 'Maximum parallel calls to this provider (a local provider: default 1).',
    },
    stream: {
      type: 'boolean',
      default: false,
      title: 'Stream',
      description: 'Stream responses (measures time to first token).',
    },
    stream_usage: {
      type: 'boolean',
      default: true,
      title: 'Stream usage',
      description: 'Send stream_options.include_usage when streaming (some servers, e.g. Azure, reject it).',
    },
    api_version: {
      type: 'string',
      title: 'API version',
      description: 'Azure OpenAI api-version, e.g. 2024-10-21.',
    },
    platform: {
      type: 'string',
      enum: ['openai', 'azure', 'together', 'fireworks'],
      title: 'Platform',
      description:
        'Who serves the models, for built-in model lifecycles and fine-tune prices. Default: read from base_url (api.openai.com or none: openai; *.openai.azure.com: azure; api.together.xyz: together; api.fireworks.ai: fireworks).',
    },
    context_window: contextWindow,
    batch_discount: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      title: 'Batch discount',
      description:
        'Share of the synchronous price saved by a Batch API call (run --batch). Default 0.5: OpenAI bills batches at half the synchronous price (platform.openai.com/docs/guides/batch); Together discounts selected models by up to 50% (docs.together.ai/docs/inference/batch/overview).',
    },
  },
} as const;

const fewShotExample = {
  type: 'object',
  title: 'Example',
  description: 'One input and the answer the model should give.',
  additionalProperties: false,
  required: ['input', 'output'],
  properties: {
    input: { type: 'string', title: 'Input', description: 'Example input.' },
    output: { type: 'string', title: 'Output', description: 'Example answer.' },
  },
} as const;

const variant = {
  type: 'object',
  title: 'Variant',
  description: 'One way of doing the task: a model, a provider and a prompt.',
  additionalProperties: false,
  required: ['role', 'provider', 'model'],
  properties: {
    role: {
      type: 'string',
      enum: ['prompted', 'finetuned'],
      title: 'Role',
      description: 'prompted (large model + prompt) or finetuned (small trained model).',
    },
    provider: { type: 'string', minLength: 1, title: 'Provider', description: 'A key of providers.' },
    model: { type: 'string', minLength: 1, title: 'Model', description: 'Model id sent to the provider.' },
    base_model: {
      type: 'string',
      minLength: 1,
      title: 'Base model',
      description:
        'The model a fine-tuned model was trained from, when its id does not say (ft:<base>:… ids do): it decides the fine-tuned price and the shutdown date.',
    },
    system: {
      type: 'string',
      title: 'System prompt',
      description: 'Inline text or a file:// reference.',
    },
    examples: {
      type: ['array', 'string'],
      items: fewShotExample,
      pattern: fileRef.pattern,
      title: 'Few-shot examples',
      description: 'An inline list of {input, output}, or a file:// JSONL with one {"input", "output"} per line.',
    },
    template: {
      type: 'string',
      default: '{{input}}',
      title: 'Template',
      description: 'The user message; {{field}} reads any dataset field.',
    },
    params: {
      type: 'object',
      default: {},
      title: 'Parameters',
      description: 'Passed through to the API (temperature, max_tokens, seed, ...).',
    },
    context_window: contextWindow,
  },
} as const;

const tokenPrice = {
  type: 'object',
  title: 'Token price',
  additionalProperties: false,
  required: ['input', 'output'],
  description: 'USD per 1M tokens.',
  properties: {
    input: { type: 'number', minimum: 0, title: 'Input', description: 'USD per 1M input tokens.' },
    cached_input: { type: 'number', minimum: 0, title: 'Cached input', description: 'USD per 1M cached tokens.' },
    output: { type: 'number', minimum: 0, title: 'Output', description: 'USD per 1M output tokens.' },
  },
} as const;

const hourlyPrice = {
  type: 'object',
  title: 'Hourly price',
  additionalProperties: false,
  required: ['per_hour'],
  description: 'USD per hour for a self-hosted model.',
  properties: {
    per_hour: { type: 'number', minimum: 0, title: 'Per hour', description: 'USD per hour of serving.' },
    requests_per_hour: {
      type: 'number',
      exclusiveMinimum: 0,
      title: 'Requests per hour',
      description: 'Requests served per hour, to turn the hourly price into a price per request.',
    },
  },
} as const;

const minRate = (title: string, description: string) =>
  ({
    type: 'object',
    title,
    description,
    additionalProperties: false,
    required: ['min'],
    properties: {
      min: { type: 'number', minimum: 0, maximum: 1, title: 'Minimum', description: 'Lowest passing value.' },
    },
  }) as const;

const maxLimit = (title: string, description: string) =>
  ({
    type: 'object',
    title,
    description,
    additionalProperties: false,
    required: ['max'],
    properties: { max: { type: 'number', minimum: 0, title: 'Maximum', description: 'Highest passing value.' } },
  }) as const;

const thresholds = {
  type: 'object',
  title: 'Thresholds',
  description: 'Gates evaluated for every variant; a miss fails the run.',
  additionalProperties: false,
  properties: {
    accuracy: minRate('Accuracy', 'Minimum accuracy (0..1).'),
    macro_f1: minRate('Macro F1', 'Minimum macro-averaged F1 (0..1), classification.'),
    latency_p95_ms: maxLimit('Latency p95', 'Maximum 95th percentile latency in ms.'),
    latency_p50_ms: maxLimit('Latency p50', 'Maximum median latency in ms.'),
    cost_per_1k_usd: maxLimit('Cost per 1k', 'Maximum USD per 1,000 requests.'),
    error_rate: {
      ...maxLimit(
        'Error rate',
        'Maximum share of calls that failed or were not run (0..1); on by default at 0.01. Above it, the verdict is inconclusive.',
      ),
      default: { max: 0.01 },
    },
    min_days_to_shutdown: {
      type: 'integer',
      minimum: 0,
      title: 'Minimum days to shutdown',
      description:
        "Fewest days each variant's model may have left before its announced shutdown (a fine-tune: its base's); a model without an announced shutdown passes.",
    },
  },
} as const;

const verdictName = {
  type: 'string',
  enum: ['switch', 'keep-prompting', 'fine-tune', 'retrain', 'inconclusive'],
  title: 'Verdict',
  description: 'One of switch, keep-prompting, fine-tune, retrain, inconclusive.',
} as const;

const decision = {
  type: 'object',
  title: 'Decision',
  description: 'Policy of the verdict: is the fine-tuned variant worth switching to, or is it time to fine-tune?',
  additionalProperties: false,
  properties: {
    baseline: {
      type: 'string',
      title: 'Baseline variant',
      description: 'Variant the others are compared against (default: the first prompted variant).',
    },
    candidate: {
      type: 'string',
      title: 'Candidate variant',
      description: 'Variant that may replace the baseline (default: the first fine-tuned variant).',
    },
    monthly_requests: {
      type: 'number',
      minimum: 0,
      default: 100000,
      title: 'Monthly requests',
      description: 'Expected production traffic, for monthly cost, savings and break-even.',
    },
    max_accuracy_loss: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.01,
      title: 'Max accuracy loss',
      description: 'Non-inferiority margin: how much accuracy the fine-tuned variant may lose (0.01 = 1 point).',
    },
    confidence: {
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.95,
      title: 'Confidence',
      description: 'Confidence level of the intervals and tests (0.95: a switch on noise at most 2.5% of the time).',
    },
    training_cost_usd: {
      title: 'Training cost (USD)',
      description: 'A number, or "auto" to estimate it from training examples × tokens × epochs × training price.',
      default: 'auto',
      anyOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', const: 'auto' },
      ],
    },
    training_examples: {
      type: 'integer',
      minimum: 1,
      title: 'Training examples',
      description: 'Size of the training set, for the "auto" training cost (default: the number of eval cases).',
    },
    training_epochs: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 3,
      title: 'Training epochs',
      description: 'Epochs of the fine-tuning run, for the "auto" training cost.',
    },
    payback_months: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 6,
      title: 'Payback horizon (months)',
      description: 'The training cost must be paid back by savings within this many months.',
    },
    retrain_every_months: {
      type: 'number',
      exclusiveMinimum: 0,
      title: 'Retrain every (months)',
      description:
        'How often an existing fine-tuned candidate is retrained: its training cost, spread over this many months, is added to its monthly cost. Unset: its training is sunk and does not count.',
    },
    latency_objective_p95_ms: {
      type: 'number',
      exclusiveMinimum: 0,
      title: 'Latency objective, p95 (ms)',
      description: 'p95 latency the product needs (default: thresholds.latency_p95_ms).',
    },
    pain_monthly_cost_usd: {
      type: 'number',
      minimum: 0,
      default: 1000,
      title: 'Painful monthly cost (USD)',
      description: 'Projected monthly cost of the prompted variant above which fine-tuning is worth a look.',
    },
    long_prompt_tokens: {
      type: 'integer',
      minimum: 1,
      default: 1000,
      title: 'Long prompt (tokens)',
      description: 'Prompt tokens per request above which the prompt counts as very long.',
    },
    min_training_examples: {
      type: 'integer',
      minimum: 10,
      default: 100,
      title: 'Minimum training examples',
      description: 'Examples needed before recommending fine-tuning (fewer, but at least 10 seeds: distil).',
    },
    seed_examples: {
      type: 'integer',
      minimum: 0,
      title: 'Seed examples',
      description: 'Hand-written seed examples available for distillation (default: the few-shot examples).',
    },
    fine_tune_model: {
      type: 'string',
      title: 'Fine-tune target',
      description:
        'Base a "fine-tune" verdict should recommend (e.g. accounts/fireworks/models/llama-v3p1-8b-instruct), used only while it can still be trained and outlives decision.payback_months; a model no platform offers is used when priced under pricing:. Unset: the best base that can still be trained — on the configured training backend first, then the cheapest per request.',
    },
    max_flip_rate: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.05,
      title: 'Max flip rate',
      description:
        'Share of reworded inputs on which the prompted variant may change its answer (fragility section) before ' +
        'fragility counts as a reason to fine-tune.',
    },
    sequential: {
      title: 'Sequential decision',
      description:
        'Evaluate the paired cases in looks (a seeded random order, equal information) and stop as soon as the ' +
        'non-inferiority question is settled — non-inferior, worse beyond the margin, or futile — with Lan–DeMets ' +
        "O'Brien–Fleming alpha spending keeping false switches at the verdict's α. true: 5 looks. Needs a baseline " +
        'and a candidate; otherwise ignored with a warning.',
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            looks: {
              type: 'integer',
              minimum: 2,
              maximum: 20,
              default: 5,
              title: 'Looks',
              description: 'Looks at equal information, the last at every case (2..20).',
            },
            spending: {
              type: 'string',
              enum: ['obrien-fleming'],
              default: 'obrien-fleming',
              title: 'Spending function',
              description: "Alpha spending function: Lan–DeMets O'Brien–Fleming type (the only one).",
            },
          },
        },
      ],
    },
    drift_latency_pct: {
      type: 'number',
      minimum: 0,
      default: 25,
      title: 'Latency drift (%)',
      description:
        'With a run history: a rise of p95 latency beyond this percentage over the accepted reference run is drift.',
    },
    drift_cost_pct: {
      type: 'number',
      minimum: 0,
      default: 25,
      title: 'Cost drift (%)',
      description:
        'With a run history: a rise of cost per 1k requests beyond this percentage over the accepted reference run is drift.',
    },
    fail_on: {
      type: 'array',
      items: {
        type: 'string',
        enum: [...verdictName.enum, 'drift'],
        title: 'Verdict or drift',
        description: 'One of switch, keep-prompting, fine-tune, retrain, inconclusive, or drift (needs a run history).',
      },
      uniqueItems: true,
      default: ['retrain'],
      title: 'Fail on',
      description:
        'Verdicts that fail the run (exit code 1), besides failed thresholds; "drift" fails it when a variant drifted from the accepted reference run of the history.',
    },
  },
} as const;

export const suiteSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://cdn.jsdelivr.net/npm/tunegate/schemas/suite.schema.json',
  title: 'tunegate suite',
  description: 'An evaluation suite: a task, a dataset, scorers, thresholds and the variants to compare.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'dataset', 'task', 'providers', 'variants'],
  properties: {
    name: {
      type: 'string',
      pattern: namePattern,
      title: 'Name',
      description: 'Unique suite name (letters, digits, . _ -); used in file names.',
    },
    description: { type: 'string', title: 'Description', description: 'What the suite checks.' },
    dataset,
    task,
    scoring: {
      type: 'array',
      title: 'Scoring',
      description:
        'Scorers; a case is correct when every scorer passes. Default by task kind: classification → labels ' +
        '[trim, lowercase]; extraction → json; generation → exact [trim].',
      items: scorer,
    },
    providers: {
      type: 'object',
      title: 'Providers',
      description: 'Endpoints by name (letters, digits, . _ -).',
      minProperties: 1,
      propertyNames: { pattern: namePattern },
      additionalProperties: provider,
    },
    variants: {
      type: 'object',
      title: 'Variants',
      description: 'The variants to compare, by name (letters, digits, . _ -; at least one).',
      minProperties: 1,
      propertyNames: { pattern: namePattern },
      additionalProperties: variant,
    },
    pricing: {
      type: 'object',
      title: 'Pricing',
      description: 'Model id → USD per 1M tokens, or per hour for self-hosted models; overrides the built-in table.',
      additionalProperties: { anyOf: [tokenPrice, hourlyPrice] },
    },
    thresholds,
    decision,
    training,
    fragility,
    allow_outside_paths: {
      type: 'boolean',
      default: false,
      title: 'Allow paths outside the repository',
      description:
        'Let the suite read files (dataset, file:// references, scorers, training files) that resolve outside its repository. Refused on pull_request_target and workflow_run whatever this says.',
    },
  },
} as const;

/** The suite as written in YAML, after schema validation (defaults not yet applied). */
export type RawSuite = FromSchema<typeof suiteSchema, { keepDefaultedPropertiesOptional: true }>;
export type RawScorer = NonNullable<RawSuite['scoring']>[number];
export type RawProvider = RawSuite['providers'][string];
export type RawVariant = RawSuite['variants'][string];

/** Defaults, read from the schema so each one is written once. */
export const defaults = {
  dataset: {
    input: dataset.properties.input.default,
    expected: dataset.properties.expected.default,
    seed: dataset.properties.sample.properties.seed.default,
  },
  provider: {
    timeout_ms: provider.properties.timeout_ms.default,
    max_retries: provider.properties.max_retries.default,
    concurrency: provider.properties.concurrency.default,
    stream: provider.properties.stream.default,
    stream_usage: provider.properties.stream_usage.default,
  },
  variant: { template: variant.properties.template.default },
  normalize: {
    exact: exactScorer.properties.normalize.default,
    contains: containsScorer.properties.normalize.default,
    json: jsonScorer.properties.normalize.default,
    labels: labelsScorer.properties.normalize.default,
  },
  customExport: customScorer.properties.export.default,
  thresholds: { error_rate: thresholds.properties.error_rate.default },
  decision: {
    monthly_requests: decision.properties.monthly_requests.default,
    max_accuracy_loss: decision.properties.max_accuracy_loss.default,
    confidence: decision.properties.confidence.default,
    training_cost_usd: decision.properties.training_cost_usd.default,
    training_epochs: decision.properties.training_epochs.default,
    payback_months: decision.properties.payback_months.default,
    pain_monthly_cost_usd: decision.properties.pain_monthly_cost_usd.default,
    long_prompt_tokens: decision.properties.long_prompt_tokens.default,
    min_training_examples: decision.properties.min_training_examples.default,
    max_flip_rate: decision.properties.max_flip_rate.default,
    sequential_looks: decision.properties.sequential.anyOf[1].properties.looks.default,
    drift_latency_pct: decision.properties.drift_latency_pct.default,
    drift_cost_pct: decision.properties.drift_cost_pct.default,
    fail_on: decision.properties.fail_on.default,
  },
  fragility: {
    sample: fragilityOptions.properties.sample.default,
    seed: fragilityOptions.properties.seed.default,
    perturbations: fragilityOptions.properties.perturbations.default,
    per_case: fragilityOptions.properties.per_case.default,
    repeats: fragilityOptions.properties.repeats.default,
  },
  training: {
    trigger: training.properties.trigger.default,
    validation_split: training.properties.validation_split.default,
    holdout_seed: training.properties.holdout.anyOf[1].properties.seed.default,
    epochs: training.properties.epochs.default,
    max_tokens_per_example: training.properties.max_tokens_per_example.default,
    method: training.properties.method.default,
    openai_api: openaiBackend.properties.api.default,
    azure_sku: azureDeployment.properties.sku.default,
    azure_capacity: azureDeployment.properties.capacity.default,
    azure_management_api_version: azureDeployment.properties.api_version.default,
    azure_management_url: azureDeployment.properties.management_url.default,
    event_type: dispatchBackend.properties.event_type.default,
    ref: dispatchBackend.properties.ref.default,
    stored_limit: trainingSource.anyOf[2].properties.stored.properties.limit.default,
    distill_count: distill.properties.count.default,
    distill_batch: distill.properties.batch.default,
    distill_similarity: distill.properties.similarity.default,
  },
} as const;
